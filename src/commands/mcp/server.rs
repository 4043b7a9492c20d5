//! `win mcp`: the journal as a Model Context Protocol server on stdin and
//! stdout, for coding agents. Each tool runs the same code as its command
//! and returns the JSON that command prints with `--json`. Stdout carries
//! protocol frames only; the one line for people goes to stderr.
//!
//! Tokio runs only here, on one thread, with no networking compiled in: the
//! transport is the process's own stdin and stdout.

use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::params::{
    AddParams, CheckParams, IdParams, ListParams, PendingParams, SearchParams, StatementParams,
    UpdateParams,
};
use super::transport::LineTransport;
use crate::app::App;
use crate::cli::{FilterArgs, ListArgs, ListFormat, ScopeArgs, ShowArgs};
use crate::commands::{add, list, pending, review_check, review_statement, search, update};
use crate::domain::win::{Provenance, Status, AGENT_SOURCE};
use crate::output;

/// The largest arguments a tool call may carry. A win is a few sentences;
/// a megabyte is a mistake (a pasted log, a file), refused with a reason
/// rather than stored.
pub const MAX_ARGUMENT_BYTES: usize = 64 * 1024;

/// The one resource: the recent wins, as `win list --format json --since 30d -n 50`.
const RECENT_URI: &str = "win://wins/recent";
const RECENT_SINCE: &str = "30d";

/// What the server tells an agent about itself at the handshake.
const INSTRUCTIONS: &str = "win is the user's journal of professional wins, kept for their \
performance reviews. When the user finishes something worth remembering (a PR merged, a \
benchmark run, a latency or accuracy change, an experiment read out, a direction ruled out), \
propose it with add_win, in their words, with the numbers, and say why in `why`. It waits in \
their inbox until they accept it. When the outcome of earlier work shows up, record it with \
record_outcome. Read before writing: search_wins finds an existing win to update instead of \
adding a duplicate.";

/// Runs the server until the client closes stdin.
pub fn serve(app: &App) -> Result<()> {
    // One thread: requests on one stdin are answered in order anyway, and a
    // multi-threaded runtime would start a thread per core for nothing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the MCP server")?;
    let server = Server {
        app: Arc::new(app.clone()),
        tools: Arc::new(tools()),
    };
    output::note(&format!(
        "win mcp: serving {} over stdio (close stdin to stop)",
        app.db_path.display()
    ));
    runtime.block_on(async move {
        let running = server
            .serve(LineTransport::new(tokio::io::stdin(), tokio::io::stdout()))
            .await
            .map_err(|err| anyhow!("the MCP session did not start: {err}"))?;
        running
            .waiting()
            .await
            .map_err(|err| anyhow!("the MCP server stopped: {err}"))?;
        Ok(())
    })
}

#[derive(Clone)]
struct Server {
    app: Arc<App>,
    tools: Arc<Vec<Tool>>,
}

/// Every tool: its name, what it is for (agents choose by this), its
/// arguments' schema, and whether it only reads.
fn tools() -> Vec<Tool> {
    fn tool<P: JsonSchema + 'static>(
        name: &'static str,
        description: &'static str,
        read_only: bool,
    ) -> Tool {
        Tool::new(
            name,
            description,
            rmcp::handler::server::common::schema_for_type::<P>(),
        )
        .with_annotations(
            ToolAnnotations::new()
                .read_only(read_only)
                .destructive(false),
        )
    }
    vec![
        tool::<AddParams>(
            "add_win",
            "Propose a win for the user's journal right after it happens: a merged PR, a \
             shipped model, a benchmark or experiment result, a latency, cost or accuracy \
             change, a ruled-out direction. Write it as the user would, first person, with \
             every number. It lands in the user's inbox (status \"proposed\") until they \
             accept it. Search first, to update an existing win instead of adding a duplicate.",
            false,
        ),
        tool::<UpdateParams>(
            "record_outcome",
            "Report a dated follow-up on an existing win: its measured impact, a new stage \
             (shipped, measured, adopted), or what happened since. Use it when the outcome of \
             earlier work shows up, weeks later. On a win already in the user's journal it \
             waits in their inbox until they accept it (the result says so); say why in `why`.",
            false,
        ),
        tool::<ListParams>(
            "list_wins",
            "List the user's wins, newest first, with filters (dates, period, competency, \
             tag, project, stage, kind). Set proposed to see the wins waiting in the inbox.",
            true,
        ),
        tool::<SearchParams>(
            "search_wins",
            "Full-text search over the user's wins (text, impact, updates, tags, project), \
             best match first, each with a snippet. Use it to find the win a piece of work \
             belongs to before adding or updating one.",
            true,
        ),
        tool::<IdParams>(
            "show_win",
            "One win in full by its number: fields, metrics, timeline of updates, and where it \
             came from.",
            true,
        ),
        tool::<PendingParams>(
            "pending_impact",
            "Shipped wins whose impact was never recorded, oldest first: ask the user for the \
             outcome, then record it with record_outcome.",
            true,
        ),
        tool::<CheckParams>(
            "review_check",
            "The review checker for a period: wins with weak or missing evidence (no number, \
             no impact, hedged numbers, weak verbs), coverage by competency, months with no \
             wins, recency bias, and shipped work waiting for its impact.",
            true,
        ),
        tool::<StatementParams>(
            "win_statement",
            "The statement a win gets in the user's self-assessment draft (what I did, the \
             impact, what's next), with its metrics and the checker's findings. Use it to show \
             the user how a win will read, or to find what would make it stronger.",
            true,
        ),
    ]
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("win", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|tool| tool.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let client = context.client_info().map(|info| info.name);
        let arguments = request.arguments.unwrap_or_default();
        let json = self.call(&request.name, arguments, client)?;
        Ok(CallToolResult::success(vec![ContentBlock::text(json)]).into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let recent = Resource::new(RECENT_URI, "recent-wins")
            .with_title("Recent wins")
            .with_description(format!(
                "The user's wins of the last 30 days, newest first (at most {}), as list_wins returns them.",
                super::params::DEFAULT_LIMIT
            ))
            .with_mime_type("application/json");
        Ok(ListResourcesResult::with_all_items(vec![recent]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != RECENT_URI {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no resource {} (the one resource is {RECENT_URI})",
                    request.uri
                ),
                None,
            ));
        }
        let app = self.app.reclocked().map_err(tool_error)?;
        let args = ListArgs {
            filter: FilterArgs {
                scope: ScopeArgs {
                    since: Some(RECENT_SINCE.to_string()),
                    ..ScopeArgs::default()
                },
                limit: Some(super::params::DEFAULT_LIMIT),
            },
            format: Some(ListFormat::Json),
            proposed: false,
        };
        let json = to_json(&list::wins(&app, &args).map_err(tool_error)?)?;
        let contents = ResourceContents::text(json, RECENT_URI).with_mime_type("application/json");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

impl Server {
    /// Checks a call's arguments and runs its tool; returns the JSON result.
    fn call(
        &self,
        name: &str,
        arguments: JsonObject,
        client: Option<String>,
    ) -> Result<String, ErrorData> {
        let Some(tool) = self.tools.iter().find(|tool| tool.name == name) else {
            let names: Vec<&str> = self.tools.iter().map(|tool| tool.name.as_ref()).collect();
            return Err(ErrorData::invalid_params(
                format!("unknown tool \"{name}\" (tools: {})", names.join(", ")),
                None,
            ));
        };
        check_size(name, &arguments)?;
        check_names(tool, &arguments)?;
        let app = self.app.reclocked().map_err(tool_error)?;
        let app = &app;
        match name {
            "add_win" => {
                let params: AddParams = parse(name, arguments)?;
                let mut store = app.create_store().map_err(tool_error)?;
                let (mut win, _) =
                    add::prepare(app, &params.text, &params.fields(), false, Some(&store))
                        .map_err(tool_error)?;
                win.status = if app.config.agents.auto_accept {
                    Status::Accepted
                } else {
                    Status::Proposed
                };
                win.provenance = Some(Provenance {
                    source: AGENT_SOURCE.to_string(),
                    client: client.map(|name| output::clean(&name, false)),
                    why: crate::domain::win::non_empty(params.why),
                    ..Provenance::default()
                });
                let stored = store.insert(&win).map_err(tool_error)?;
                to_json(&stored)
            }
            "record_outcome" => {
                let params: UpdateParams = parse(name, arguments)?;
                let provenance = Provenance {
                    source: AGENT_SOURCE.to_string(),
                    client: client.map(|name| output::clean(&name, false)),
                    why: crate::domain::win::non_empty(params.why.clone()),
                    ..Provenance::default()
                };
                to_json(&update::propose(app, &params.args(), &provenance).map_err(tool_error)?)
            }
            "list_wins" => {
                let args = parse::<ListParams>(name, arguments)?.args().map_err(bad)?;
                to_json(&list::wins(app, &args).map_err(tool_error)?)
            }
            "search_wins" => {
                let args = parse::<SearchParams>(name, arguments)?
                    .args()
                    .map_err(bad)?;
                to_json(&search::hits(app, &args).map_err(tool_error)?)
            }
            "show_win" => {
                let params: IdParams = parse(name, arguments)?;
                let args = ShowArgs {
                    id: params.id,
                    json: true,
                };
                to_json(&crate::commands::show::win(app, &args).map_err(tool_error)?)
            }
            "pending_impact" => {
                let args = parse::<PendingParams>(name, arguments)?.args();
                to_json(&pending::waiting(app, &args).map_err(tool_error)?)
            }
            "review_check" => {
                let args = parse::<CheckParams>(name, arguments)?.args().map_err(bad)?;
                to_json(&review_check::report(app, &args).map_err(tool_error)?)
            }
            "win_statement" => {
                let args = parse::<StatementParams>(name, arguments)?
                    .args()
                    .map_err(bad)?;
                to_json(&review_statement::entry(app, &args).map_err(tool_error)?)
            }
            _ => Err(ErrorData::internal_error(
                format!("tool \"{name}\" is listed but not served"),
                None,
            )),
        }
    }
}

fn check_size(tool: &str, arguments: &JsonObject) -> Result<(), ErrorData> {
    let size = serde_json::to_vec(arguments).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_ARGUMENT_BYTES {
        return Err(ErrorData::invalid_params(
            format!(
                "{tool}: the arguments are {size} bytes; win takes at most {MAX_ARGUMENT_BYTES} \
                 (a win is a few sentences: summarise, and link to the rest)"
            ),
            None,
        ));
    }
    Ok(())
}

/// Refuses an argument the tool does not have: a typo would otherwise be
/// dropped in silence (serde ignores unknown fields, and cannot be told not
/// to where arguments are shared through `flatten`).
fn check_names(tool: &Tool, arguments: &JsonObject) -> Result<(), ErrorData> {
    let known = tool
        .input_schema
        .get("properties")
        .and_then(|properties| properties.as_object());
    for name in arguments.keys() {
        if !known.is_some_and(|known| known.contains_key(name)) {
            let expected: Vec<&str> = known
                .map(|known| known.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(ErrorData::invalid_params(
                format!(
                    "{}: unknown argument \"{name}\" (arguments: {})",
                    tool.name,
                    expected.join(", ")
                ),
                None,
            ));
        }
    }
    Ok(())
}

/// Reads a tool's arguments; a wrong type or a missing field is the
/// caller's mistake, reported as invalid params with serde's own words.
fn parse<P: DeserializeOwned>(tool: &str, arguments: JsonObject) -> Result<P, ErrorData> {
    serde_json::from_value(serde_json::Value::Object(arguments))
        .map_err(|err| ErrorData::invalid_params(format!("{tool}: {err}"), None))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ErrorData> {
    serde_json::to_string(value)
        .map_err(|err| ErrorData::internal_error(format!("cannot write the result: {err}"), None))
}

/// Arguments that parsed but make no sense together.
fn bad(err: anyhow::Error) -> ErrorData {
    ErrorData::invalid_params(format!("{err:#}"), None)
}

/// A command's error, in its own words. Errors of the journal file or the
/// disk are the server's; every other error is about what the call asked
/// for (a bad date, an unknown competency, a win that does not exist), and
/// the caller can fix it.
fn tool_error(err: anyhow::Error) -> ErrorData {
    let message = format!("{err:#}");
    let internal = err.chain().any(|cause| {
        crate::store::is_journal_error(cause) || cause.downcast_ref::<std::io::Error>().is_some()
    });
    if internal {
        ErrorData::internal_error(message, None)
    } else {
        ErrorData::invalid_params(message, None)
    }
}
