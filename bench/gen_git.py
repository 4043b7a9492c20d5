#!/usr/bin/env python3
"""A deterministic git history for the `win mine` benchmark, as a
`git fast-import` stream (so the repository is built in a second):

    gen_git.py N | git -C REPO fast-import --quiet

N commits over the year before 2026-11-20, by five authors (me@example.com
writes two in five): pull requests merged with merge commits (two to four
commits each, a back-merge now and then), squash-merges `(#N)`,
conventional and free-form commits, chores, bumps, reverts, and a tag every
200 commits of the main line. Same seed, same history.
"""
import random
import sys

rng = random.Random(26)
n = int(sys.argv[1])
AUTHORS = ["Me <me@example.com>"] * 2 + ["Ola <ola@example.com>", "Kai <kai@example.com>", "Bo <bo@example.com>"]
SUBJECTS = [
    "feat(scoring): batch the feature lookups", "perf: reuse connections to the store",
    "fix: retry timeouts in the fetcher", "handle empty batches in the loader",
    "Tune the reranker\n\nNDCG@10 0.41 -> 0.47 offline", "refactor: split the scanner",
    "chore: tidy the config", "docs: usage of the flags", "test: cover the parser",
    "build(deps): bump serde from 1.0.1 to 1.0.2", "fix typo in a comment",
    "cut p99 latency from 240ms to 80ms", "feat: stream answers to the client",
    "Add drift monitoring for the fraud model", "style: rustfmt",
]
START = 1795132800 - 365 * 86400  # a year before 2026-11-20
out = sys.stdout.buffer
mark = 0
clock = START
step = 365 * 86400 // max(n, 1)


def commit(ref, message, parent, merge=None, author=None):
    global mark, clock
    mark += 1
    clock += step
    who = author or rng.choice(AUTHORS)
    data = message.encode()
    lines = [f"commit {ref}", f"mark :{mark}", f"author {who} {clock} +0000",
             f"committer {who} {clock} +0000", f"data {len(data)}"]
    out.write("\n".join(lines).encode() + b"\n" + data + b"\n")
    if parent:
        out.write(f"from :{parent}\n".encode())
    if merge:
        out.write(f"merge :{merge}\n".encode())
    out.write(b"\n")
    return mark


main = commit("refs/heads/main", "Initial commit", None)
written, pr, on_main = 1, 0, 1
while written < n:
    kind = rng.random()
    if kind < 0.35 and written + 5 < n:
        pr += 1
        tip = main
        author = rng.choice(AUTHORS)
        for _ in range(rng.randint(2, 4)):
            tip = commit(f"refs/heads/pr{pr}", rng.choice(SUBJECTS), tip, author=author)
            written += 1
        if rng.random() < 0.2:
            tip = commit(f"refs/heads/pr{pr}", "Merge branch 'main' into topic", tip, merge=main, author=author)
            written += 1
        main = commit("refs/heads/main", f"Merge pull request #{pr} from team/pr{pr}\n\n{rng.choice(SUBJECTS)}",
                      main, merge=tip)
        out.write(f"reset refs/heads/pr{pr}\nfrom 0000000000000000000000000000000000000000\n\n".encode())
    elif kind < 0.55:
        pr += 1
        main = commit("refs/heads/main", f"{rng.choice(SUBJECTS).splitlines()[0]} (#{pr})", main)
    elif kind < 0.58:
        main = commit("refs/heads/main", 'Revert "feat: stream answers"\n\nThis reverts commit 0123456.', main)
    else:
        main = commit("refs/heads/main", rng.choice(SUBJECTS), main)
    written += 1
    on_main += 1
    if on_main % 200 == 0:
        out.write(f"reset refs/tags/v0.{on_main // 200}.0\nfrom :{main}\n\n".encode())
