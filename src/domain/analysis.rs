//! What the analysers say of a win, as stored and shown: ranked competency
//! suggestions and the checker's findings. Plain data; `analyze` computes it.

use serde::{Deserialize, Serialize};

/// A ranked competency for a piece of text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub key: String,
    /// How clearly the model prefers it, 0 to 1 (over all competencies,
    /// the scores sum to 1).
    pub score: f64,
    /// The words of the text that drove it, strongest first.
    pub matched: Vec<String>,
    /// Past wins the user labelled this way that share those words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub like: Vec<i64>,
    /// The raw evidence behind the score; not stored.
    #[serde(skip)]
    pub evidence: f64,
}

/// One thing to improve in a win.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub message: String,
    pub suggestion: String,
}
