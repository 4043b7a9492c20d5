//! Turns the built-in TOML data files (competency frameworks, the
//! statement vocabulary and phrases) into JSON at build time, and trains the built-in
//! competency models. The TOML files stay the source people read and copy;
//! the binary parses the JSON, which costs a fifth of the instructions, on
//! every `win add`. A TOML mistake fails the build.

use std::path::Path;

#[path = "src/analyze/text.rs"]
#[allow(dead_code)]
mod text;

#[path = "src/analyze/train.rs"]
#[allow(dead_code)]
mod train;

const DATA: &[&str] = &[
    "templates/frameworks/ml-engineer.toml",
    "templates/frameworks/data-scientist.toml",
    "templates/statements/glossary.toml",
    "templates/statements/verbs.toml",
    "templates/statements/phrases.toml",
];

/// The frameworks whose models are trained here (see `infer.rs`).
const MODELS: &[&str] = &["ml-engineer", "data-scientist"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for file in DATA {
        let value = read_toml(file);
        let json = serde_json::to_string(&value).unwrap_or_else(|err| panic!("{file}: {err}"));
        let name = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        std::fs::write(Path::new(&out).join(format!("{name}.json")), json)
            .unwrap_or_else(|err| panic!("{file}: {err}"));
    }
    println!("cargo:rerun-if-changed=src/analyze/text.rs");
    println!("cargo:rerun-if-changed=src/analyze/train.rs");
    let stop_file = "templates/inference/stopwords.txt";
    println!("cargo:rerun-if-changed={stop_file}");
    let stop = train::StopWords::parse(&read(stop_file));
    let settings = read_toml("templates/inference/settings.toml");
    for name in MODELS {
        let framework = read_toml(&format!("templates/frameworks/{name}.toml"));
        let corpus_name = settings
            .get("frameworks")
            .and_then(|f| f.get(*name))
            .and_then(|f| f.get("corpus"))
            .and_then(toml::Value::as_str)
            .unwrap_or(name)
            .to_string();
        let corpus_file = format!("templates/inference/{corpus_name}.tsv");
        println!("cargo:rerun-if-changed={corpus_file}");
        let corpus = Path::new(&corpus_file).exists().then(|| read(&corpus_file));
        let trainer = train::train_framework(&framework, &settings, corpus.as_deref(), &stop)
            .unwrap_or_else(|err| panic!("{corpus_file}: {err}"));
        std::fs::write(
            Path::new(&out).join(format!("{name}.model")),
            trainer.write(),
        )
        .unwrap_or_else(|err| panic!("{name}.model: {err}"));
    }
}

fn read(file: &str) -> String {
    println!("cargo:rerun-if-changed={file}");
    std::fs::read_to_string(file).unwrap_or_else(|err| panic!("{file}: {err}"))
}

fn read_toml(file: &str) -> toml::Value {
    toml::from_str(&read(file)).unwrap_or_else(|err| panic!("{file}: {err}"))
}
