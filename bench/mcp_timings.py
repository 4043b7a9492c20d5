"""`win mcp` timings, printed as bench/run's result rows (name, wins, seconds):

- how long from starting `win mcp` to its answer to `initialize` (raw pipes,
  no SDK in the way), median of 30 starts;
- the round trip of a tool call through the official MCP Python SDK's
  client, median of 200 calls each, on the journal WIN_DB names.

Usage: mcp.py WIN_BINARY SIZE   (run by bench/run with the SDK's venv)
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

WIN, SIZE = sys.argv[1], sys.argv[2]
INITIALIZE = json.dumps({
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "bench", "version": "1"}},
}) + "\n"


def ready_time():
    start = time.perf_counter()
    server = subprocess.Popen([WIN, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    server.stdin.write(INITIALIZE.encode())
    server.stdin.flush()
    answer = server.stdout.readline()
    elapsed = time.perf_counter() - start
    server.stdin.close()
    server.wait()
    assert b'"serverInfo"' in answer, answer
    return elapsed


async def call_times():
    rows = []
    server = StdioServerParameters(command=WIN, args=["mcp"], env=dict(os.environ))
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            calls = [
                ("show_win", {"id": 1}),
                ("list_wins", {"limit": 10}),
                ("search_wins", {"query": "zeitgeist"}),
                ("win_statement", {"id": 1}),
            ]
            for name, arguments in calls:
                times = []
                for _ in range(200):
                    start = time.perf_counter()
                    result = await session.call_tool(name, arguments)
                    times.append(time.perf_counter() - start)
                    assert not result.is_error, result
                rows.append((f"mcp call {name}", statistics.median(times)))
    return rows


def main():
    ready = statistics.median(ready_time() for _ in range(30))
    print(f"mcp ready for initialize\t{SIZE}\t{ready:.6f}")
    for name, seconds in asyncio.run(call_times()):
        print(f"{name}\t{SIZE}\t{seconds:.6f}")


main()
