"""A whole agent session against `win mcp`, driven by the official MCP
Python SDK's stdio client: initialize, list tools, propose a win, accept it
from the CLI, search it back, record an outcome, read the statement; then
bad calls, a concurrent CLI writer, and a 1 MB argument.

Usage: session.py WIN_BINARY   (tests/mcp_client/run sets it all up)
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

WIN = sys.argv[1]
NOW = "2026-11-21T17:05:00+01:00"


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def result_json(result):
    check(not result.is_error, f"tool error: {result}")
    return json.loads(result.content[0].text)


async def refused(session, tool, arguments, expected):
    try:
        result = await session.call_tool(tool, arguments)
    except MCPError as error:
        check(expected in error.error.message, f"{tool}: {error.error.message!r} lacks {expected!r}")
        return
    raise SystemExit(f"FAILED: {tool} {arguments} was not refused: {result}")


async def main():
    folder = tempfile.mkdtemp()
    env = dict(
        os.environ,
        WIN_DB=os.path.join(folder, "wins.db"),
        WIN_NOW=NOW,
        WIN_CONFIG_DIR=os.path.join(folder, "config"),
        NO_COLOR="1",
    )

    def cli(*args, stdin=None):
        done = subprocess.run([WIN, *args], env=env, capture_output=True, text=True, input=stdin)
        check(done.returncode == 0, f"win {args}: {done.stderr}")
        return done.stdout

    server = StdioServerParameters(command=WIN, args=["mcp"], env=env)
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            print(f"protocol {init.protocol_version}", file=sys.stderr)
            check(init.server_info.name == "win", f"server info: {init.server_info}")

            tools = {tool.name for tool in (await session.list_tools()).tools}
            check({"add_win", "record_outcome", "search_wins", "win_statement"} <= tools, f"tools: {tools}")

            added = result_json(await session.call_tool("add_win", {
                "text": "cut p99 scoring latency from 240ms to 80ms by batching features",
                "stage": "shipped",
                "why": "PR 812 merged",
            }))
            check(added["status"] == "proposed", f"added: {added}")
            check(added["provenance"]["source"] == "agent", f"provenance: {added}")
            win_id = str(added["id"])

            # The person accepts it from the CLI while the server runs.
            cli("inbox", "accept", win_id, "--yes")

            hits = result_json(await session.call_tool("search_wins", {"query": "scoring latency"}))
            check([hit["id"] for hit in hits] == [added["id"]], f"search: {hits}")
            check(hits[0]["status"] == "accepted", f"search: {hits}")

            # An agent never changes an accepted win: its outcome waits in the
            # inbox as a proposed follow-up until the person accepts it.
            proposed = result_json(await session.call_tool("record_outcome", {
                "id": added["id"], "stage": "measured", "impact": "support tickets about slow pages -40%",
            }))
            check(proposed["status"] == "proposed", f"record_outcome: {proposed}")
            check(json.loads(cli("show", win_id, "--json"))["stage"] == "shipped", "an accepted win changed")
            cli("inbox", "accept", "f1", "--yes")
            updated = json.loads(cli("show", win_id, "--json"))
            check(updated["stage"] == "measured", f"update: {updated}")

            statement = result_json(await session.call_tool("win_statement", {"id": added["id"]}))
            check("40%" in statement["statement"], f"statement: {statement}")
            check(statement == json.loads(cli("review", "statement", win_id, "--json")), "statement differs from the CLI's")

            # Errors, not a crash.
            await refused(session, "no_such_tool", {}, "unknown tool")
            await refused(session, "show_win", {"id": "one"}, "invalid type")
            await refused(session, "add_win", {"text": "x" * (1024 * 1024)}, "at most 65536")

            # The CLI writes while the server runs: the busy timeout queues them.
            writers = [
                subprocess.Popen([WIN, "add", f"parallel capture {n}"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for n in range(8)
            ]
            for n in range(8):
                result_json(await session.call_tool("add_win", {"text": f"agent capture {n}"}))
            for writer in writers:
                check(writer.wait() == 0, f"a CLI writer failed: {writer.stderr.read()}")

            listed = result_json(await session.call_tool("list_wins", {"limit": 100}))
            check(len(listed) == 9, f"accepted wins: {len(listed)}")
            inbox = result_json(await session.call_tool("list_wins", {"proposed": True, "limit": 100}))
            check(len(inbox) == 8, f"proposed wins: {len(inbox)}")

    print("mcp client session: ok")


asyncio.run(main())
