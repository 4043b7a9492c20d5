//! The server's stdio transport: one JSON-RPC message per line, read with a
//! bound on its size, and a reply for every request, even one that cannot
//! be read.
//!
//! rmcp's own stdio transport drops input that is not JSON and answers a
//! message of the wrong shape with an error that carries no id, so a client
//! that sent `"limit": 1e400` or misspelt `params` waits forever for its
//! answer. Here a line that rmcp cannot take is answered as JSON-RPC 2.0
//! says: -32700 with `"id": null` when it is not JSON at all, and otherwise
//! -32602 (invalid params) or -32601 (no such method) with the request's own
//! id. A notification or a response that cannot be read gets no answer, as
//! the protocol wants (answering them could start an error storm).

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use rmcp::RoleServer;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

/// The longest line read. A tool call's arguments are refused above 64 KiB
/// with a reason and the request's id; a line of megabytes is not a request
/// from a well-behaved client, and is answered without being held in memory.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// JSON-RPC 2.0's error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// The methods a client may call on this server; a request for one of them
/// that rmcp cannot read has bad parameters, any other is unknown.
const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

type Writer<W> = Arc<Mutex<Option<W>>>;

pub struct LineTransport<R, W> {
    read: BufReader<R>,
    /// The line being read. Kept across calls: `receive` runs inside a
    /// `select!` and may be dropped between two reads.
    line: Vec<u8>,
    /// Set while the rest of an oversized line is skipped.
    discarding: bool,
    write: Writer<W>,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> LineTransport<R, W> {
    pub fn new(read: R, write: W) -> Self {
        Self {
            read: BufReader::new(read),
            line: Vec::new(),
            discarding: false,
            write: Arc::new(Mutex::new(Some(write))),
        }
    }
}

/// What one bounded read gave.
enum Read {
    Line,
    TooLong,
    End,
}

impl<R: AsyncRead + Unpin, W> LineTransport<R, W> {
    /// Reads up to the next newline into `self.line`, never holding more
    /// than [`MAX_LINE_BYTES`]. Safe to cancel: bytes are consumed from the
    /// reader only as they are copied, with no await between the two.
    async fn read_line(&mut self) -> Read {
        loop {
            let Ok(available) = self.read.fill_buf().await else {
                return Read::End;
            };
            if available.is_empty() {
                return Read::End;
            }
            let newline = available.iter().position(|&byte| byte == b'\n');
            let take = newline.map_or(available.len(), |at| at + 1);
            let mut outcome = None;
            if self.discarding {
                if newline.is_some() {
                    self.discarding = false;
                }
            } else if self.line.len() + take > MAX_LINE_BYTES {
                self.line.clear();
                self.discarding = newline.is_none();
                outcome = Some(Read::TooLong);
            } else {
                self.line.extend_from_slice(&available[..take]);
                if newline.is_some() {
                    outcome = Some(Read::Line);
                }
            }
            self.read.consume(take);
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn name() -> Cow<'static, str> {
        "stdio".into()
    }

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let frame = serde_json::to_vec(&item).map_err(std::io::Error::other);
        write_frame(self.write.clone(), frame)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let reply = match self.read_line().await {
                Read::End => return None,
                Read::TooLong => Some(error_frame(
                    &Value::Null,
                    INVALID_REQUEST,
                    &format!("a message over {} KiB was skipped", MAX_LINE_BYTES / 1024),
                )),
                Read::Line => {
                    let line = std::mem::take(&mut self.line);
                    match read_message(&line) {
                        Ok(Some(message)) => return Some(message),
                        Ok(None) => None,
                        Err(reply) => Some(reply),
                    }
                }
            };
            if let Some(reply) = reply {
                // Sent from a task of its own: this future may be dropped at
                // its next await, and a reply must not be cut in half.
                tokio::spawn(write_frame(self.write.clone(), Ok(reply)));
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.write.lock().await.take();
        Ok(())
    }
}

/// Writes one frame and its newline, then flushes, under the writer's lock.
async fn write_frame<W: AsyncWrite + Unpin + Send + 'static>(
    write: Writer<W>,
    frame: std::io::Result<Vec<u8>>,
) -> std::io::Result<()> {
    let mut frame = frame?;
    frame.push(b'\n');
    let mut guard = write.lock().await;
    let Some(out) = guard.as_mut() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            "the MCP client has gone",
        ));
    };
    out.write_all(&frame).await?;
    out.flush().await
}

/// The parts of a message that can be read even when the rest cannot:
/// numbers out of range, wrong types and unknown fields are all skipped.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    params: Option<IgnoredAny>,
}

/// One line as rmcp's message, `Ok(None)` for a line to pass over, or the
/// error frame that answers it.
fn read_message(line: &[u8]) -> Result<Option<RxJsonRpcMessage<RoleServer>>, Vec<u8>> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let error = match serde_json::from_slice::<RxJsonRpcMessage<RoleServer>>(line) {
        Ok(message) => return Ok(Some(message)),
        Err(error) => error,
    };
    let Ok(envelope) = serde_json::from_slice::<Envelope>(line) else {
        // Not JSON, or JSON that is not an object: nothing says which
        // request it was.
        let code = if serde_json::from_slice::<IgnoredAny>(line).is_ok() {
            INVALID_REQUEST
        } else {
            PARSE_ERROR
        };
        return Err(error_frame(
            &Value::Null,
            code,
            &format!("not a JSON-RPC message: {}", reason(&error)),
        ));
    };
    match (envelope.id, envelope.method) {
        // A request: it gets an answer under its own id.
        (Some(id), Some(method)) if valid_id(&id) => {
            if METHODS.contains(&method.as_str()) {
                Err(error_frame(
                    &id,
                    INVALID_PARAMS,
                    &format!("{method}: {}", reason(&error)),
                ))
            } else {
                Err(error_frame(
                    &id,
                    METHOD_NOT_FOUND,
                    &format!("no method {method:?}"),
                ))
            }
        }
        (Some(_), Some(_)) => Err(error_frame(
            &Value::Null,
            INVALID_REQUEST,
            "a request's id must be a string or a number",
        )),
        // A notification or a client's response: never answered.
        (None, Some(_)) | (Some(_), None) => Ok(None),
        (None, None) => Err(error_frame(
            &Value::Null,
            INVALID_REQUEST,
            "a JSON-RPC message needs a method",
        )),
    }
}

fn valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// serde's message without its "at line 1 column 40" tail, which says
/// nothing on a one-line message.
fn reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn error_frame(id: &Value, code: i64, message: &str) -> Vec<u8> {
    let frame = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    frame.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(line: &str) -> Value {
        match read_message(line.as_bytes()) {
            Err(frame) => serde_json::from_slice(&frame).expect("an error frame is JSON"),
            Ok(Some(_)) => panic!("{line} was read as a message"),
            Ok(None) => Value::Null,
        }
    }

    #[test]
    fn text_that_is_not_json_gets_a_parse_error_with_a_null_id() {
        let reply = answer("garbage{");
        assert_eq!(reply["error"]["code"], PARSE_ERROR);
        assert!(reply.get("id").is_some_and(Value::is_null), "{reply}");
    }

    #[test]
    fn a_number_out_of_range_is_answered_under_the_requests_id() {
        let reply = answer(
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_wins","arguments":{"limit":1e400}}}"#,
        );
        assert_eq!(reply["id"], 7);
        assert_eq!(reply["error"]["code"], INVALID_PARAMS);
    }

    #[test]
    fn params_of_the_wrong_shape_are_invalid_params_not_an_unknown_method() {
        let reply = answer(r#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":"bad"}"#);
        assert_eq!(reply["id"], "a");
        assert_eq!(reply["error"]["code"], INVALID_PARAMS);
    }

    #[test]
    fn json_that_is_not_a_message_is_an_invalid_request() {
        let reply = answer("[1,2]");
        assert_eq!(reply["error"]["code"], INVALID_REQUEST);
        assert!(reply["id"].is_null());
    }

    #[test]
    fn notifications_and_blank_lines_are_never_answered() {
        assert!(
            read_message(br#"{"jsonrpc":"2.0","method":"notifications/x","params":5}"#).is_ok()
        );
        assert!(read_message(br#"{"jsonrpc":"2.0","id":3,"result":{"a":1e400}}"#).is_ok());
        assert!(read_message(b"  \r\n").is_ok_and(|message| message.is_none()));
    }

    #[test]
    fn well_formed_requests_pass_through() {
        let line = br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
        assert!(read_message(line).is_ok_and(|message| message.is_some()));
    }
}
