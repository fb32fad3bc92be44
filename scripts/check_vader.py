#!/usr/bin/env python3
"""Checks VADER (Hutto & Gilbert 2014) on the cases of `sentiment check`, so the two can be compared.

usage: check_vader.py [--sentiment PATH] [--keep FILE] [CHECK OPTIONS ...]

Asks `sentiment check --list-cases --language en` for the English cases (VADER reads English only),
scores every text and variant with VADER, writes one {"text", "probability", "label"} line per text
and hands them to `sentiment check --predictions`, which prints the same report as for a model (extra
options such as --format json or --suite FILE are passed on). VADER's label follows its authors' rule:
compound >= 0.05 positive, <= -0.05 negative, otherwise neutral; its "probability" is (compound + 1) / 2,
which orders texts as the compound does (directional tests compare it). A neutral label fails a
"positive" or "negative" test and passes a "not_negative" or "not_positive" one (docs/check.md).

Needs the vaderSentiment package (pip install vaderSentiment, in a virtual environment outside the
repository, e.g. /work/venvs/vader).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

try:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
except ImportError:
    sys.exit("check_vader: error: the vaderSentiment package is missing (pip install vaderSentiment)")

# VADER's own thresholds for its three labels.
POSITIVE_COMPOUND = 0.05
NEGATIVE_COMPOUND = -0.05


def prediction(analyzer, text):
    compound = analyzer.polarity_scores(text)["compound"]
    if compound >= POSITIVE_COMPOUND:
        label = "positive"
    elif compound <= NEGATIVE_COMPOUND:
        label = "negative"
    else:
        label = "neutral"
    return {"text": text, "probability": (compound + 1) / 2, "label": label}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentiment", default="sentiment", help="the sentiment binary (default: on PATH)")
    parser.add_argument("--keep", help="also write VADER's predictions to this file")
    arguments, check_options = parser.parse_known_args()
    suites = [option for pair in zip(check_options, check_options[1:]) if pair[0] == "--suite" for option in pair]
    listed = subprocess.run([arguments.sentiment, "check", "--list-cases", "--language", "en"] + suites,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        sys.exit(f"check_vader: error: sentiment check --list-cases failed: {listed.stderr.strip()}")
    analyzer = SentimentIntensityAnalyzer()
    seen = set()
    lines = []
    for line in listed.stdout.splitlines():
        case = json.loads(line)
        for key in ("text", "variant"):
            text = case.get(key)
            if text is not None and text not in seen:
                seen.add(text)
                lines.append(json.dumps(prediction(analyzer, text), ensure_ascii=False))
    # The report names the predictions file: "vader.jsonl" says whose they are.
    with tempfile.TemporaryDirectory() as directory:
        path = arguments.keep or os.path.join(directory, "vader.jsonl")
        with open(path, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        print(f"check_vader: {len(lines)} texts scored with VADER", file=sys.stderr, flush=True)
        checked = subprocess.run([arguments.sentiment, "check", "--predictions", path, "--language", "en"]
                                 + check_options)
    sys.exit(checked.returncode)


if __name__ == "__main__":
    main()
