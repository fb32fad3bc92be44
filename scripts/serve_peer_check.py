#!/usr/bin/env python3
"""Checks that two scoring servers (sentiment serve and scripts/serve_peer.py) give the same probabilities
for the same texts: sends the texts in requests of --batch texts to both and reports how many differ by
more than --tolerance, and the largest difference. Exit status 1 when any differs.

usage: serve_peer_check.py TEXTS_FILE OURS_URL PEER_URL [--batch 64] [--tolerance 1e-5]
  URLs are the /v1/score endpoints, e.g. http://127.0.0.1:8080/v1/score. Standard library only.
"""
import argparse
import json
import sys
import urllib.request


def score(url, texts):
    request = urllib.request.Request(
        url, data=json.dumps({"texts": texts}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return [r["probability"] for r in json.load(response)["results"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("texts")
    parser.add_argument("ours")
    parser.add_argument("peer")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    with open(args.texts, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f]
    differing, largest, worst = 0, 0.0, None
    for start in range(0, len(texts), args.batch):
        chunk = texts[start : start + args.batch]
        for text, a, b in zip(chunk, score(args.ours, chunk), score(args.peer, chunk)):
            difference = abs(a - b)
            if difference > args.tolerance:
                differing += 1
            if difference > largest:
                largest, worst = difference, text
    print(f"{len(texts)} texts: {differing} differ by more than {args.tolerance}; largest difference {largest:.3g}"
          + (f" ({worst[:80]!r})" if worst is not None and largest > args.tolerance else ""))
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
