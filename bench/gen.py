#!/usr/bin/env python3
"""Deterministic synthetic journals for the benchmarks.

    gen.py win N [YEARS] > journal.jsonl   win's export format (analysis included)
    gen.py jrnl N [YEARS] > journal.txt    jrnl's plain-text format, same wins
    gen.py notes N [YEARS] > notes.jsonl   plain notes as a user brings them from
                                           jrnl or a JSON list: text, date, tags and
                                           a competency, no analysis (every one is
                                           analysed on import)
    gen.py big BYTES > text.txt            the text of one long win (an imported
                                           log or notes), "kubeflow" in every
                                           sentence: search's worst case

The wins are spread evenly over the YEARS (default 3) before 2026-11-20.

Same seed, same output: the benchmark is rerunnable anywhere.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

VERBS = ["cut", "raised", "shipped", "migrated", "built", "deployed", "reduced", "automated", "ran", "mentored"]
THINGS = ["p99 scoring latency", "the fraud model", "the feature store", "nightly retraining", "the ranking model",
          "drift monitoring", "the churn campaign", "the pricing A/B test", "label quality", "GPU cost"]
TAILS = ["from 240ms to 80ms", "from 78% to 91%", "by 35%", "7h -> 50min", "saving $120K a year", "for 3 teams",
         "with canary releases", "in two weeks", "across 14 models", "ahead of Q3"]
COMPETENCIES = ["model-development", "mlops", "experimentation", "data", "leadership", "business-impact"]
TAGS = ["fraud", "ranking", "search", "platform", "growth", "pricing", "churn", "latency", "hiring", "ops"]
DETAILS = ["Paired with the platform team on the rollout and wrote the runbook.",
           "Took two sprints; the on-call load dropped after the first week.",
           "Needed a new feature pipeline and a shadow deployment first.",
           "Presented the results at the ML guild; two teams adopted it.",
           "Mostly backfilling labels and fixing a skew between training and serving.",
           "Blocked for a week on GPU quota, then ran the sweep over a weekend.",
           "Cost went down too, since we dropped the nightly full retrain.",
           "Wrote the design doc, got sign-off from product and finance."]
RARE = "zeitgeist"  # appears in one win in ten thousand: the rare search word


def wins(count, years=3):
    rng = random.Random(20261123)
    start = datetime(2026, 11, 20, 17, 0, tzinfo=timezone(timedelta(hours=1)))
    for index in range(count):
        at = start - timedelta(minutes=int(index * 525600 * years / max(count, 1)) + 1)
        text = f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(TAILS)}"
        if index % 10000 == 7:
            text += f" ({RARE})"
        yield {
            "uid": f"01900000-0000-7000-8000-{index:012x}",
            "occurred_at": at.isoformat(timespec="seconds"),
            "created_at": at.isoformat(timespec="seconds"),
            "updated_at": at.isoformat(timespec="seconds"),
            "text": text,
            "impact": rng.choice([None, "support tickets -40%", "$310K a quarter recovered", "pages per week 14 -> 3"]),
            "kind": rng.choice(["shipped", "experiment", "leadership", "other"]),
            "stage": rng.choice([None, "shipped", "measured", "adopted"]),
            "starred": index % 50 == 0,
            "competencies": [rng.choice(COMPETENCIES)],
            "competency_source": "user",
            "suggestions": [],
            "tags": rng.sample(TAGS, 2),
            "metrics": [],
        }


def big(size):
    """About SIZE bytes of sentences, each with the word "kubeflow"."""
    rng = random.Random(20261125)
    parts, length = [], 0
    while length < size:
        sentence = f"{rng.choice(VERBS)} {rng.choice(THINGS)} on kubeflow {rng.choice(TAILS)}. "
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)[:size]


def main():
    kind, count = sys.argv[1], int(sys.argv[2])
    if kind == "big":
        sys.stdout.write(big(count))
        return
    years = float(sys.argv[3]) if len(sys.argv) > 3 else 3
    out = sys.stdout
    note_rng = random.Random(20261206)
    for win in wins(count, years):
        if kind == "win":
            out.write(json.dumps(win, separators=(",", ":")) + "\n")
        elif kind == "notes":
            # A note as people keep them: a line on what was done and one
            # more on how or why (its own generator, so the wins above stay
            # the same).
            note = {key: win[key] for key in ("occurred_at", "text", "tags", "competencies")}
            note["text"] = f"{win['text'][0].upper()}{win['text'][1:]}. {note_rng.choice(DETAILS)}"
            out.write(json.dumps(note, separators=(",", ":")) + "\n")
        else:
            at = datetime.fromisoformat(win["occurred_at"]).strftime("%Y-%m-%d %H:%M")
            tags = " ".join("@" + t for t in win["tags"])
            out.write(f"[{at}] {win['text']}. {tags}\n\n")


if __name__ == "__main__":
    main()
