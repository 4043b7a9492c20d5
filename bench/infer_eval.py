#!/usr/bin/env python3
"""Scores competency inference on a labelled set, through the real `win`.

    bench/infer_eval.py FILE.jsonl [--part all|calibration|report] [--win PATH] [--misses]

FILE holds one JSON object a line: `text` (the rough note), `gold` (the
same facts as a professional statement), `competency` (the writer's label,
an ml-engineer key), optional `impact` and `next`. Every prediction is what
`win add --dry-run --json` infers in a journal of its own (a temporary
WIN_DB, the built-in framework, nothing learned), so the figures are the
ones a person sees.

Reported for FILE (or one part of it, see --part):
  - top-1 / top-2 on the rough notes (text alone, as typed at capture),
    on the rough notes with their impact and next, and on the statements;
  - learning: the first half of the rough notes (a fixed split by a hash of
    the text) imported with their labels into a fresh journal, as a user's
    own labelled wins; then top-1 on the other half, cold and after;
  - reliability: for the cold predictions (rough text and statements), how
    often the top competency is right when its score is in each band, and
    when it is at least 0.8;
  - unsure: how many captures would ask (the top score below the
    threshold, or the two best too close), and how often those are right.

--part splits FILE by a fixed hash of each note's text: `calibration` (the
notes the model's calibration and tuning may look at) and `report` (the
rest, the figures worth reporting). The default is all of FILE.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

KEYS = [
    "model-development",
    "mlops",
    "experimentation",
    "data",
    "leadership",
    "business-impact",
]


def fnv1a(text):
    """64-bit FNV-1a of the UTF-8 text (bench/infer_fit.rs splits the same way)."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def part_of(text):
    """'calibration' or 'report', fixed by a hash of the text."""
    return "calibration" if (fnv1a(text.strip()) >> 32) % 2 == 0 else "report"


def half_of(text):
    """Which half of the learning split a note is in: 0 labelled, 1 inferred."""
    return (fnv1a("learn:" + text.strip()) >> 32) % 2


class Win:
    def __init__(self, binary, folder):
        self.binary = binary
        self.env = dict(os.environ)
        self.env.update(
            {
                "NO_COLOR": "1",
                "WIN_NOW": "2026-11-21T17:05:00+01:00",
                "WIN_CONFIG_DIR": os.path.join(folder, "config"),
                "XDG_DATA_HOME": os.path.join(folder, "data"),
                "HOME": folder,
                "EDITOR": "false",
            }
        )
        os.makedirs(self.env["WIN_CONFIG_DIR"], exist_ok=True)

    def run(self, args, db, stdin=None):
        env = dict(self.env, WIN_DB=db)
        done = subprocess.run(
            [self.binary] + args,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"win {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    def suggest(self, db, text, impact=None, next_=None):
        """The ranked suggestions [(key, score)] and whether it would ask."""
        args = ["add", "--dry-run", "--json"]
        if impact:
            args += ["--impact", impact]
        if next_:
            args += ["--next", next_]
        args += ["--", text]
        win = json.loads(self.run(args, db))
        ranked = [(s["key"], s["score"]) for s in win.get("suggestions", [])]
        return ranked, bool(win.get("competency_unsure", False))


def pct(n, total):
    return f"{100.0 * n / total:5.1f}%" if total else "   n/a"


def topk(rows):
    """(top-1, top-2, n) over rows of (gold, ranked)."""
    one = sum(1 for gold, ranked in rows if ranked[:1] and ranked[0][0] == gold)
    two = sum(1 for gold, ranked in rows if gold in [k for k, _ in ranked[:2]])
    return one, two, len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--part", choices=["all", "calibration", "report"], default="all")
    parser.add_argument("--win", default=None, help="the win binary (default: the newer of target/release/win and target/debug/win)")
    parser.add_argument("--misses", action="store_true", help="print every wrong cold prediction")
    parser.add_argument(
        "--corpus",
        default=None,
        help="a corpus file (competency<TAB>text lines) counted on top of the built-in one, as a user's templates/inference/ml-engineer.tsv is",
    )
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = args.win
    if binary is None:
        # The newer of the release and debug builds.
        built = [
            os.path.join(root, candidate)
            for candidate in ("target/release/win", "target/debug/win")
            if os.path.exists(os.path.join(root, candidate))
        ]
        binary = max(built, key=os.path.getmtime, default=None)
    if binary is None:
        sys.exit("no win binary: build one (cargo build --release) or give --win PATH")

    notes = []
    with open(args.file, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            note = json.loads(line)
            if note.get("competency") not in KEYS:
                sys.exit(f"{args.file}:{number}: competency {note.get('competency')!r} is not one of {KEYS}")
            if args.part == "all" or part_of(note["text"]) == args.part:
                notes.append(note)
    if not notes:
        sys.exit("no notes in that part of the file")

    with tempfile.TemporaryDirectory(prefix="win-infer-eval-") as folder:
        win = Win(binary, folder)
        if args.corpus:
            inference = os.path.join(win.env["WIN_CONFIG_DIR"], "templates", "inference")
            os.makedirs(inference)
            with open(args.corpus, encoding="utf-8") as source, open(
                os.path.join(inference, "ml-engineer.tsv"), "w", encoding="utf-8"
            ) as target:
                target.write(source.read())
        cold_db = os.path.join(folder, "cold.db")
        rough, whole, gold, unsure = [], [], [], []
        for note in notes:
            ranked, asks = win.suggest(cold_db, note["text"])
            rough.append((note["competency"], ranked))
            unsure.append((note["competency"], ranked, asks))
            ranked, _ = win.suggest(cold_db, note["text"], note.get("impact"), note.get("next"))
            whole.append((note["competency"], ranked))
            if note.get("gold"):
                ranked, asks = win.suggest(cold_db, note["gold"])
                gold.append((note["competency"], ranked))
                unsure.append((note["competency"], ranked, asks))

        # Learning: half the notes labelled in a journal, the other half inferred.
        taught = [n for n in notes if half_of(n["text"]) == 0]
        asked = [n for n in notes if half_of(n["text"]) == 1]
        learn_db = os.path.join(folder, "learned.db")
        records = "".join(
            json.dumps(
                {
                    "text": n["text"],
                    "impact": n.get("impact"),
                    "next": n.get("next"),
                    "competencies": [n["competency"]],
                }
            )
            + "\n"
            for n in taught
        )
        importing = os.path.join(folder, "labelled.jsonl")
        with open(importing, "w", encoding="utf-8") as handle:
            handle.write(records)
        win.run(["import", "--from", "win", importing], learn_db)
        before, after = [], []
        for note in asked:
            before.append((note["competency"], win.suggest(cold_db, note["text"])[0]))
            after.append((note["competency"], win.suggest(learn_db, note["text"])[0]))

    print(f"{args.file} ({args.part}): {len(notes)} notes, {len(gold)} statements, binary {binary}")
    print()
    print(f"{'':44} {'top-1':>7} {'top-2':>7} {'n':>5}")
    for name, rows in (
        ("rough notes (text)", rough),
        ("rough notes (text, impact, next)", whole),
        ("statements (gold)", gold),
    ):
        one, two, n = topk(rows)
        print(f"{name:44} {pct(one, n):>7} {pct(two, n):>7} {n:>5}")
    one_before, _, n_asked = topk(before)
    one_after, _, _ = topk(after)
    gain = (one_after - one_before) / n_asked * 100 if n_asked else 0.0
    print(
        f"{'learning: ' + str(len(taught)) + ' labelled, top-1 on the rest':44} "
        f"{pct(one_after, n_asked):>7} {'':>7} {n_asked:>5}   cold {pct(one_before, n_asked).strip()}, gain {gain:+.1f} points"
    )

    print()
    print("reliability of the top score (cold; rough text and statements together)")
    cold = rough + gold
    bands = [(0.9, 1.01), (0.8, 0.9), (0.7, 0.8), (0.6, 0.7), (0.5, 0.6), (0.4, 0.5), (0.0, 0.4)]
    print(f"  {'band':12} {'n':>5} {'right':>7} {'mean score':>11}")
    for low, high in bands:
        rows = [(g, r) for g, r in cold if r and low <= r[0][1] < high]
        right = sum(1 for g, r in rows if r[0][0] == g)
        mean = sum(r[0][1] for _, r in rows) / len(rows) if rows else 0.0
        label = f"[{low:.1f},{min(high, 1.0):.1f}{']' if high > 1 else ')'}"
        print(f"  {label:12} {len(rows):>5} {pct(right, len(rows)):>7} {mean:>11.2f}")
    none = [g for g, r in cold if not r]
    if none:
        print(f"  {'no guess':12} {len(none):>5}")
    sure = [(g, r) for g, r in cold if r and r[0][1] >= 0.8]
    right = sum(1 for g, r in sure if r[0][0] == g)
    print(f"  right when the top score >= 0.8: {pct(right, len(sure)).strip()} ({right} of {len(sure)}, of {len(cold)} predictions)")
    asks = [(g, r) for g, r, a in unsure if a]
    sure = [(g, r) for g, r, a in unsure if not a and r]
    print(
        f"  capture would ask on {len(asks)} of {len(unsure)} ({pct(len(asks), len(unsure)).strip()}); "
        f"right when it asks {pct(sum(1 for g, r in asks if r and r[0][0] == g), len(asks)).strip()}, "
        f"top-2 when it asks {pct(sum(1 for g, r in asks if g in [k for k, _ in r[:2]]), len(asks)).strip()}, "
        f"right when it does not {pct(sum(1 for g, r in sure if r[0][0] == g), len(sure)).strip()}"
    )
    if args.misses:
        print()
        for name, rows in (("rough", rough), ("gold", gold)):
            for (g, r), note in zip(rows, notes if name == "rough" else [n for n in notes if n.get("gold")]):
                if not r or r[0][0] != g:
                    shown = ", ".join(f"{k} {s:.2f}" for k, s in r[:2])
                    print(f"  miss {name}: {g} <- {shown}: {note['text' if name == 'rough' else 'gold']}")


if __name__ == "__main__":
    main()
