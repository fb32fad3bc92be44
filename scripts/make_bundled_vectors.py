#!/usr/bin/env python3
"""Writes the English word vectors bundled in the executable from the shared GloVe file.

    python3 scripts/make_bundled_vectors.py [--words N] [--shared DIR]

Reads ../shared/vectors/glove.6B.50d.200k.txt.gz (GloVe 6B, 50 dimensions, public domain: PDDL 1.0),
keeps its first N words (GloVe's order is by frequency), rounds each value to the nearest float16 and
writes them in the project's compact form (Sources/WordVectors/CompactVectors.swift describes it) to
Sources/CBundledAssets/assets/english-vectors.skv, then prints the file's SHA-256. The same input and N
give the same bytes; the digest below is what the committed file must have, and the script fails when
it differs (pass --update to write a different N on purpose).

Needs NumPy (float16 rounding to nearest even, as IEEE 754 and Swift's Float16 do).
"""
import argparse
import gzip
import hashlib
import os
import struct
import sys

import numpy as np

EXPECTED_SHA256 = {100000: "1ea1d1187cf64593dc4202fa4e68624c2f3943b348ebf674e52a4e0f8167c052"}

def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    repository = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100000)
    parser.add_argument("--shared", default=os.path.join(repository, "..", "shared"))
    parser.add_argument("--output", default=os.path.join(
        repository, "Sources", "CBundledAssets", "assets", "english-vectors.skv"))
    parser.add_argument("--update", action="store_true", help="write even when the digest is not the recorded one")
    arguments = parser.parse_args()

    source = os.path.join(arguments.shared, "vectors", "glove.6B.50d.200k.txt.gz")
    words, rows = [], []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if len(words) == arguments.words:
                break
            fields = line.rstrip("\n").split(" ")
            words.append(fields[0])
            rows.append([float(value) for value in fields[1:]])
    values = np.array(rows, dtype=np.float32).astype("<f2")
    if not np.isfinite(values).all():
        print("a value does not fit float16", file=sys.stderr)
        return 1
    word_list = b"".join(word.encode("utf-8") + b"\n" for word in words)
    data = (b"SNTVEC01" + struct.pack("<III", len(words), values.shape[1], len(word_list))
            + word_list + values.tobytes())
    digest = hashlib.sha256(data).hexdigest()
    expected = EXPECTED_SHA256.get(arguments.words)
    if expected is not None and digest != expected and not arguments.update:
        print(f"digest {digest} differs from the recorded {expected}: not written", file=sys.stderr)
        return 1
    temporary = arguments.output + ".tmp"
    with open(temporary, "wb") as output:
        output.write(data)
    os.replace(temporary, arguments.output)
    print(f"{arguments.output}: {len(words)} words x {values.shape[1]} float16, {len(data)} bytes, sha256 {digest}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
