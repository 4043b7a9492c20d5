#!/usr/bin/python3
"""Score win's statements on the rough-note evaluation set (tests/eval/statements.jsonl).

Every note is captured with the real binary into a throwaway journal (`win add`,
then `win update` for its later outcomes), the draft's context is read back
(`win review draft --context`), and each win's statement is scored against the
statement a strong reviewer wrote from the same facts.

Reported, on the held-out third by default (the part never tuned on):
  - link-grammar null links per sentence (a grammar oracle; needs Debian's
    python3-link-grammar, so run this with /usr/bin/python3),
  - statements with the field's shorthand left in,
  - statements that echo a raw field of the note,
  - numbers kept (every number of the win is in its statement) and numbers
    invented (a number in the statement that the win does not have),
  - learning goals without specifics kept out of the manager's document.

Usage:
  /usr/bin/python3 tests/eval/statements.py [--bin target/debug/win]
      [--split heldout|tune|all] [--show] [--side-by-side PATH --key PATH]

Not part of `cargo test`: it needs link-grammar and takes a few seconds. The
hard honesty rules (numbers kept, none invented) are enforced on the whole set
by `cargo test --test eval`.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Shorthand a reviewer would not leave in a statement. Independent of the
# glossary the engine ships, on purpose: the engine is not graded by its own list.
SHORTHAND = {
    "w/", "w/o", "b/c", "thru", "qtr", "qtrs", "wk", "wks", "hr", "hrs", "mo",
    "mos", "yr", "yrs", "exp", "exps", "perf", "feat", "feats", "clf", "clfs",
    "biz", "eng", "svc", "svcs", "dq", "infra", "e2e", "k8s", "ft", "ft'd", "poc",
    "pred", "preds", "impl", "impl'd", "cfg", "std", "std'd", "ppl", "recs",
    "convos", "txns", "avg", "approx", "dup", "dups", "dedup'd", "fcst", "prod",
    "ctx", "mgmt", "hw", "rev", "conv", "wow", "contrib", "ab",
}
# Metric and product names the field writes in capitals; lower case is shorthand.
LOWERCASE_ACRONYMS = {
    "auc", "f1", "ctr", "cvr", "mape", "mae", "ndcg", "ndcg@10", "rouge-l", "wer",
    "ece", "psi", "ltv", "cac", "gpu", "gpus", "llm", "llms", "pii", "api", "ui",
    "qa", "faq", "eta", "kpis", "oom", "gbm", "aws", "mrr", "fte", "pr", "prs", "ci",
    "hpa", "ltr", "aov", "mle", "ds", "pm", "sla", "mttr", "sre", "rfc",
}
SYMBOLS = ["->", "→", "=>", "~", "≈", "<2", " + ", "w/"]

NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)([kK]\b)?")
# Shorthand spelled with a digit inside (k8s, e2e): the digit is not a quantity.
DIGIT_WORDS = re.compile(r"\b(?:k8s|e2e|i18n|l10n)\b", re.I)
WORDS = {
    "zero": "0", "no": "0", "none": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "twice": "2", "double": "2",
    "doubled": "2", "doubling": "2", "halved": "2", "halving": "2", "half": "2",
    "tripled": "3", "triple": "3", "quadrupled": "4", "first": "1", "second": "2",
}


def numbers(text):
    """The quantities written in digits, normalised ("1,800" -> "1800", "0.20" -> "0.2")."""
    text = DIGIT_WORDS.sub(" ", text or "")
    found = set()
    for raw, thousands in NUMBER.findall(text):
        if "," in raw and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
            # "3,4" is a list, not a thousands separator.
            parts = raw.split(",")
        else:
            parts = [raw.replace(",", "")]
        for part in parts:
            value = float(part) * (1000 if thousands else 1)
            found.add(f"{value:.6f}".rstrip("0").rstrip("."))
    return found


def number_words(text):
    return {WORDS[w] for w in re.findall(r"[a-z]+", (text or "").lower()) if w in WORDS}


def win_fields(note):
    fields = [note.get("text"), note.get("impact"), note.get("next")]
    for update in note.get("updates", []):
        fields += [update.get("text"), update.get("impact"), update.get("next")]
    return [f for f in fields if f]


def dropped_numbers(note, statement):
    have = numbers(statement) | number_words(statement)
    return sorted(n for n in numbers(" ".join(win_fields(note))) if n not in have)


def invented_numbers(note, statement):
    source = " ".join(win_fields(note))
    have = numbers(source) | number_words(source)
    return sorted(n for n in numbers(statement) if n not in have)


def tokens(text):
    return re.findall(r"[A-Za-z0-9@$%.'/+~→-]+", text or "")


def shorthand_left(statement):
    left = []
    for token in tokens(statement):
        bare = token.strip(".,;:()'\"").rstrip("s") if token not in SHORTHAND else token
        low = token.strip(".,;:()\"").lower()
        if low in SHORTHAND or bare.lower() in SHORTHAND:
            left.append(token)
        elif low in LOWERCASE_ACRONYMS and token.strip(".,;:()\"") == low:
            left.append(token)
    for symbol in SYMBOLS:
        if symbol in statement:
            left.append(symbol.strip())
    if re.search(r"(?:^|\s)[+-]\d", statement):
        left.append("signed number")
    return left


def squash(text):
    text = re.sub(r"\s+", " ", (text or "").lower()).strip()
    return text.rstrip(".")


def echoed(note, statement, target):
    """A raw field copied whole into the statement, where the reviewer's statement did not."""
    out = []
    for field in win_fields(note):
        raw = squash(field)
        if len(raw.split()) < 3:
            continue
        if raw in squash(statement) and raw not in squash(target or ""):
            out.append(field)
    return out


def sentences(statement):
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", statement.strip()) if s]


class Grammar:
    def __init__(self):
        try:
            from linkgrammar import Dictionary, ParseOptions, Sentence
        except ImportError:
            sys.exit(
                "statements.py: link-grammar's Python bindings are missing: "
                "apt-get install link-grammar link-grammar-dictionaries-en python3-link-grammar, "
                "then run with /usr/bin/python3"
            )
        self.sentence = Sentence
        self.dictionary = Dictionary("en")
        self.options = ParseOptions(min_null_count=0, max_null_count=999, max_parse_time=10)
        self.options.verbosity = 0

    def nulls(self, sentence):
        parsed = self.sentence(sentence, self.dictionary, self.options)
        parsed.parse()
        return parsed.null_count()


def overlap(statement, target):
    """Word-overlap F1 with the reviewer's statement: a rough guide for reading, not a goal."""
    a = [t.lower().strip(".,;:") for t in tokens(statement)]
    b = [t.lower().strip(".,;:") for t in tokens(target)]
    if not a or not b:
        return 0.0
    common = 0
    pool = list(b)
    for t in a:
        if t in pool:
            pool.remove(t)
            common += 1
    if common == 0:
        return 0.0
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r)


def run(binary, args, env):
    done = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"statements.py: win {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def render(binary, notes):
    """Capture every note in a fresh journal and read each win's statement from the draft context."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ)
        env.update(
            WIN_DB=os.path.join(home, "wins.db"),
            WIN_NOW="2026-11-20T10:00:00Z",
            NO_COLOR="1",
            HOME=home,
            XDG_CONFIG_HOME=os.path.join(home, "config"),
            XDG_DATA_HOME=os.path.join(home, "data"),
        )
        ids = {}
        for note in notes:
            args = ["add", note["text"], "--json"]
            for field, flag in (("impact", "--impact"), ("next", "--next"), ("kind", "--kind"),
                                ("role", "--role"), ("stage", "--stage")):
                if note.get(field):
                    args += [flag, note[field]]
            for competency in note.get("competencies", []):
                args += ["-c", competency]
            ids[note["id"]] = json.loads(run(binary, args, env))["id"]
            for update in note.get("updates", []):
                args = ["update", str(ids[note["id"]])]
                if update.get("text"):
                    args.append(update["text"])
                for field, flag in (("stage", "--stage"), ("impact", "--impact"), ("next", "--next")):
                    if update.get(field):
                        args += [flag, update[field]]
                run(binary, args, env)
        context = json.loads(run(binary, ["review", "draft", "--context", "--period", "2026"], env))
        statements = {}
        for section in context["sections"]:
            for win in section["wins"]:
                statements.setdefault(win["id"], win.get("statement") or "")
        return {nid: statements.get(wid, "") for nid, wid in ids.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "win"))
    parser.add_argument("--split", default="heldout", choices=["heldout", "tune", "all"])
    parser.add_argument("--show", action="store_true", help="print note, statement and target side by side")
    parser.add_argument("--side-by-side", help="write a blind-read Markdown file (labels shuffled)")
    parser.add_argument("--key", help="where to write the blind read's answer key")
    parser.add_argument("--seed", type=int, default=13)
    opts = parser.parse_args()

    with open(os.path.join(HERE, "statements.jsonl"), encoding="utf-8") as f:
        notes = [json.loads(line) for line in f if line.strip()]
    chosen = [n for n in notes if opts.split == "all" or n["split"] == opts.split]
    produced = render(opts.bin, notes)
    grammar = Grammar()

    rows = []
    for note in chosen:
        statement = produced[note["id"]]
        target = note["target"]
        row = {"note": note, "statement": statement, "target": target}
        if target is None:
            row["kept_out"] = not statement.strip()
            rows.append(row)
            continue
        row["sentences"] = sentences(statement)
        row["nulls"] = [grammar.nulls(s) for s in row["sentences"]]
        row["target_nulls"] = [grammar.nulls(s) for s in sentences(target)]
        row["shorthand"] = shorthand_left(statement)
        row["echo"] = echoed(note, statement, target)
        row["dropped"] = dropped_numbers(note, statement)
        row["invented"] = invented_numbers(note, statement)
        row["overlap"] = overlap(statement, target)
        rows.append(row)

    scored = [r for r in rows if r["target"] is not None]
    goals = [r for r in rows if r["target"] is None]
    n = len(scored)
    sentence_count = sum(len(r["nulls"]) for r in scored) or 1
    target_count = sum(len(r["target_nulls"]) for r in scored) or 1

    if opts.show:
        for r in rows:
            note = r["note"]
            print(f"--- {note['id']} [{note['style']}, {note.get('kind')}, {note.get('role')}]")
            for field in ("text", "impact", "next"):
                if note.get(field):
                    print(f"  {field:>7}: {note[field]}")
            for update in note.get("updates", []):
                print(f"  update : {update}")
            print(f"    win  : {r['statement']}")
            print(f"  target : {r['target']}")
            flags = []
            for key in ("shorthand", "echo", "dropped", "invented"):
                if r.get(key):
                    flags.append(f"{key}={r[key]}")
            if r.get("nulls") and sum(r["nulls"]):
                flags.append(f"nulls={r['nulls']}")
            if flags:
                print("   flags : " + "; ".join(flags))

    print(f"split: {opts.split}, {n} statements scored, {len(goals)} bare learning goals")
    print(f"  null links per sentence   {sum(map(sum, (r['nulls'] for r in scored))) / sentence_count:.2f}"
          f"   (reviewer's statements: {sum(map(sum, (r['target_nulls'] for r in scored))) / target_count:.2f})")
    print(f"  shorthand left in         {100 * sum(bool(r['shorthand']) for r in scored) / n:.1f}%")
    print(f"  raw note echoed           {100 * sum(bool(r['echo']) for r in scored) / n:.1f}%")
    print(f"  numbers kept              {100 * sum(not r['dropped'] for r in scored) / n:.1f}% of statements")
    print(f"  numbers invented          {100 * sum(bool(r['invented']) for r in scored) / n:.1f}% of statements")
    if goals:
        print(f"  bare goals kept out       {sum(r['kept_out'] for r in goals)}/{len(goals)}")
    print(f"  word overlap with target  {sum(r['overlap'] for r in scored) / n:.2f}")

    if opts.side_by_side:
        write_blind(scored, opts.side_by_side, opts.key, opts.seed)


def write_blind(rows, path, key_path, seed):
    """Each note with two statements of the same facts, in shuffled order, for a blind manager's read."""
    rng = random.Random(seed)
    lines = [
        "# Blind read: rough notes and two statements of each",
        "",
        "For each note, two statements of the same facts follow, labelled A and B in a",
        "random order. Read them as an engineering manager reading a self-assessment:",
        "rate each 1 to 5, and mark whether it is usable with a light edit (yes/no).",
        "Do not look up the key until every note is rated.",
        "",
    ]
    key = ["# Answer key for side-by-side.md", "", "| note | win | reviewer |", "|---|---|---|"]
    for r in rows:
        note = r["note"]
        pair = [("win", r["statement"]), ("reviewer", r["target"])]
        rng.shuffle(pair)
        lines.append(f"## {note['id']}")
        lines.append("")
        lines.append(f"- note: `{note['text']}`")
        for field in ("impact", "next"):
            if note.get(field):
                lines.append(f"- {field}: `{note[field]}`")
        for update in note.get("updates", []):
            parts = ", ".join(f"{k}: {v}" for k, v in update.items())
            lines.append(f"- later update: `{parts}`")
        meta = ", ".join(f"{k} {note[k]}" for k in ("kind", "role", "stage") if note.get(k))
        if meta:
            lines.append(f"- {meta}")
        lines.append("")
        for label, (_, text) in zip("AB", pair):
            lines.append(f"**{label}.** {text}")
            lines.append("")
            lines.append(f"rating {label}: __ / 5 · usable with a light edit: __")
            lines.append("")
        key.append(f"| {note['id']} | {'A' if pair[0][0] == 'win' else 'B'} | "
                   f"{'A' if pair[0][0] == 'reviewer' else 'B'} |")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if key_path:
        with open(key_path, "w", encoding="utf-8") as f:
            f.write("\n".join(key) + "\n")


if __name__ == "__main__":
    main()
