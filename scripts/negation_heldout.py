#!/usr/bin/env python3
"""Scores the held-out negation and contrast sentences (corpora/negation-heldout) and prints the share
right, overall and per kind.

usage: negation_heldout.py [--sentiment PATH] (--model MODEL | --vader) [--format table|json] FILE ...

FILE is a `label<TAB>kind<TAB>text` file with a header (label 1 positive, 0 negative). With --model the
texts are scored by `sentiment score` with that model at its own threshold; with --vader by VADER
(Hutto & Gilbert 2014; needs the vaderSentiment package, e.g. in /work/venvs/vader), whose compound
score counts as positive at 0 or above (a neutral 0 is neither right nor wrong by a binary label, so
it is counted as positive, VADER's lean on an empty score). These sentences were written to judge
generalisation and are never trained on.
"""
import argparse
import json
import subprocess
import sys
from collections import OrderedDict


def read(path):
    rows = []
    with open(path, encoding="utf-8") as file:
        header = file.readline().rstrip("\n").split("\t")
        if header != ["label", "kind", "text"]:
            sys.exit(f"{path}:1: expected the header label<TAB>kind<TAB>text")
        for number, line in enumerate(file, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0] not in ("0", "1"):
                sys.exit(f"{path}:{number}: expected label (0 or 1), kind and text separated by tabs")
            rows.append((int(fields[0]), fields[1], fields[2]))
    return rows


def model_labels(sentiment, model, texts):
    scored = subprocess.run([sentiment, "score", "--model", model, "--format", "jsonl"],
                            input="\n".join(texts) + "\n", capture_output=True, text=True)
    if scored.returncode != 0:
        sys.exit(f"negation_heldout: error: sentiment score failed: {scored.stderr.strip()}")
    lines = [json.loads(line) for line in scored.stdout.splitlines() if line.strip()]
    if len(lines) != len(texts):
        sys.exit(f"negation_heldout: error: {len(texts)} texts but {len(lines)} scores")
    return [(1 if line["label"] == "positive" else 0, line["probability"]) for line in lines]


def vader_labels(texts):
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        sys.exit("negation_heldout: error: the vaderSentiment package is missing (pip install vaderSentiment)")
    analyzer = SentimentIntensityAnalyzer()
    result = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        result.append((1 if compound >= 0 else 0, (compound + 1) / 2))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentiment", default="sentiment", help="the sentiment binary (default: on PATH)")
    parser.add_argument("--model", help="the model to score with")
    parser.add_argument("--vader", action="store_true", help="score with VADER instead of a model")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--wrong", action="store_true", help="also list the sentences it got wrong")
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    if bool(arguments.model) == arguments.vader:
        sys.exit("negation_heldout: error: give exactly one of --model and --vader")
    report = OrderedDict()
    for path in arguments.files:
        rows = read(path)
        texts = [text for _, _, text in rows]
        labels = vader_labels(texts) if arguments.vader else model_labels(arguments.sentiment, arguments.model, texts)
        kinds = OrderedDict()
        wrong = []
        for (label, kind, text), (predicted, probability) in zip(rows, labels):
            right, total = kinds.get(kind, (0, 0))
            kinds[kind] = (right + (predicted == label), total + 1)
            if predicted != label:
                wrong.append({"text": text, "label": label, "probability": round(probability, 4)})
        right = sum(r for r, _ in kinds.values())
        report[path] = {"right": right, "sentences": len(rows), "accuracy": right / len(rows),
                        "kinds": {kind: {"right": r, "sentences": t, "accuracy": r / t} for kind, (r, t) in kinds.items()},
                        "wrong": wrong}
    if arguments.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for path, result in report.items():
        print(f"{path}: {result['right']}/{result['sentences']} right ({result['accuracy']:.1%})")
        for kind, figures in result["kinds"].items():
            print(f"  {kind:<18} {figures['right']:>3}/{figures['sentences']:<3} {figures['accuracy']:.1%}")
        if arguments.wrong:
            for case in result["wrong"]:
                print(f"    {case['probability']:.4f} (label {case['label']})  {case['text']}")


if __name__ == "__main__":
    main()
