"""Refits the temperature of each model of scripts/calibration_study.sh by several rules and prints, per
corpus and training-set size, the mean over seeds of the fitted T, the test log loss and the test ECE.

Rules: none (T = 1), hard (minimum NLL on the validation labels, the fit before session 8), platt (the
same against Platt's targets (N+ + 1)/(N+ + 2) and 1/(N- + 2), what `train` does since), prior (hard with a
standard normal prior on log T). The raw logit of a text is T_model * logit(p) from the scored
probability and the temperature the model file holds. Standard library only.

    python3 scripts/calibration_study.py OUTDIR
"""
import collections
import glob
import json
import math
import os
import sys


def read_scores(tag, split):
    labels = [int(line.split()[0]) for line in open(f"{tag}.{split}.labels")]
    probabilities = [json.loads(line)["probability"] for line in open(f"{tag}.{split}.jsonl")]
    assert len(labels) == len(probabilities), tag
    return labels, probabilities


def logit(p):
    p = min(max(p, 1e-7), 1 - 1e-7)
    return math.log(p / (1 - p))


def softplus(x):
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def total_nll(logits, targets, temperature):
    return sum(t * softplus(-z / temperature) + (1 - t) * softplus(z / temperature) for z, t in zip(logits, targets))


def fit(logits, targets, prior=0.0):
    """Golden-section search of log T over [log 0.01, log 100]; the loss is unimodal there."""
    loss = lambda u: total_nll(logits, targets, math.exp(u)) + prior * u * u / 2
    ratio = (math.sqrt(5) - 1) / 2
    a, b = math.log(0.01), math.log(100)
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if loss(c) < loss(d):
            b = d
        else:
            a = c
    return math.exp((a + b) / 2)


def expected_calibration_error(probabilities, labels):
    bins = [[0, 0.0, 0] for _ in range(10)]
    for p, y in zip(probabilities, labels):
        confidence = max(p, 1 - p)
        row = bins[min(int(confidence * 10), 9)]
        row[0] += 1
        row[1] += confidence
        row[2] += (p >= 0.5) == (y == 1)
    return sum(abs(row[1] - row[2]) for row in bins if row[0]) / len(probabilities)


def main(directory):
    results = collections.defaultdict(lambda: collections.defaultdict(list))
    for temperature_file in sorted(glob.glob(os.path.join(directory, "*.T"))):
        tag = temperature_file[:-2]
        model_temperature = float(open(temperature_file).read())
        valid_labels, valid_p = read_scores(tag, "valid")
        test_labels, test_p = read_scores(tag, "test")
        valid_z = [model_temperature * logit(p) for p in valid_p]
        test_z = [model_temperature * logit(p) for p in test_p]
        positives = sum(valid_labels)
        negatives = len(valid_labels) - positives
        platt = [(positives + 1) / (positives + 2) if y else 1 / (negatives + 2) for y in valid_labels]
        rules = {
            "none": 1.0,
            "hard": fit(valid_z, valid_labels),
            "platt": fit(valid_z, platt),
            "prior": fit(valid_z, valid_labels, prior=1.0),
        }
        corpus, size, _ = os.path.basename(tag).rsplit("_", 2)
        for rule, temperature in rules.items():
            probabilities = [1 / (1 + math.exp(-max(min(z / temperature, 50), -50))) for z in test_z]
            results[(corpus, int(size))][rule].append(
                (temperature, total_nll(test_z, test_labels, temperature) / len(test_labels),
                 expected_calibration_error(probabilities, test_labels)))
    rules = ["none", "hard", "platt", "prior"]
    print("| corpus | size | seeds | " + " | ".join(f"{r}: T, log loss, ECE" for r in rules) + " |")
    print("|---|--:|--:|" + "--:|" * len(rules))
    for key in sorted(results):
        cells = []
        for rule in rules:
            runs = results[key][rule]
            means = [sum(run[i] for run in runs) / len(runs) for i in range(3)]
            cells.append(f"{means[0]:.2f}, {means[1]:.4f}, {means[2]:.4f}")
        print(f"| {key[0]} | {key[1]} | {len(runs)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
