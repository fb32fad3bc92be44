#!/usr/bin/env python3
"""Computes a sentiment model's probability for tokenized texts without any of the Swift code,
following docs/model-file.md's "Reproducing a probability outside Swift": vocabulary lookup, the wide
channel's hashed n-grams, the negation marks (if any), the cut to max_len, the bidirectional GRU, the pooling (if any), the linear
head, the temperature and the sigmoid, in float64 NumPy. It reads the wide channel dense (format 1) or
sparse (format 2), and float32 or float16 weights.

Its output for Tests/SentimentKitTests/Fixtures/reference_model.safetensors is checked in beside it
(reference_probabilities.json; likewise reference_model_pooled.safetensors, a model with
`pooling: final_max_mean`, and reference_probabilities_pooled.json; and for reference_model_sparse and
reference_model_pooled_f16, those two models converted to the sparse form and to float16) and the tests
compare the Swift scorer with it, so the description and the code cannot drift apart.

usage: reference_probability.py MODEL.safetensors TOKENS.json > OUT.json
  TOKENS.json: {"texts": [{"text": "...", "tokens": ["...", ...]}, ...]}, tokens as `sentiment tokenize`
  prints them (one line per text, tokens separated by spaces).
Needs: numpy.
"""
import json
import struct
import sys
import unicodedata

import numpy as np

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1


# The safetensors dtypes a model file may hold: weights in float32 or float16, bucket numbers as integers.
DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I32": "<i4", "I64": "<i8"}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    metadata = header.pop("__metadata__")
    config = json.loads(metadata["config"])
    base = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        values = np.frombuffer(data[base + start : base + end], dtype=DTYPES[entry["dtype"]])
        if not entry["dtype"].startswith("I"):
            values = values.astype(np.float64)  # float16 and float32 widen exactly
        tensors[name] = values.reshape(entry["shape"])
    if "wide.indices" in tensors:
        # Format 2's sparse wide channel: the stored buckets, and one scale for all the others (weight 0).
        indices = tensors.pop("wide.indices")
        count = config["ngram_buckets"]
        assert np.all(np.diff(indices) > 0) and (len(indices) == 0 or 0 <= indices[0] and indices[-1] < count)
        weight = np.zeros(count)
        weight[indices] = tensors.pop("wide.weight_values")
        scale = np.full(count, tensors.pop("wide.scale_fill")[0])
        scale[indices] = tensors.pop("wide.scale_values")
        tensors["wide.weight"], tensors["wide.scale"] = weight, scale
    return tensors, json.loads(metadata["vocab"]), config


def ngram_hash(ids):
    h = ((FNV_OFFSET ^ len(ids)) * FNV_PRIME) & MASK64
    for token_id in ids:
        for byte in (token_id & 0xFFFFFFFF).to_bytes(4, "little"):
            h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


def buckets(ids, count):
    found = {ngram_hash([ids[0]]) % count} if ids else set()
    for i in range(1, len(ids)):
        found.add(ngram_hash([ids[i]]) % count)
        found.add(ngram_hash([ids[i - 1], ids[i]]) % count)
    return sorted(found)


# NegationScope versions 1 and 2 (docs/negation.md): which tokens a negation cue reaches; version 2 has
# the English cues alone. A model whose config has "negation_cues" reads a marked token as the id
# len(vocab) + id.
EN_CUES = {
    "not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "nowhere", "without", "hardly",
    "barely", "scarcely", "cannot", "n't", "dont", "doesnt", "didnt", "isnt", "wasnt", "werent", "arent",
    "cant", "couldnt", "wouldnt", "shouldnt", "wont", "havent", "hasnt", "hadnt", "aint", "mustnt", "neednt",
}
PSEUDO_NEGATIONS = {"not": {"only", "just"}, "no": {"doubt", "wonder", "matter"}}
ZH_CUES = {
    "不", "没", "无", "未", "别", "非", "莫", "勿", "没有", "毫无", "并无", "从无", "并非", "绝非", "从未", "并未",
    "尚未", "未曾", "毫不", "绝不", "决不", "从不", "并没有", "从来没有", "不太", "不怎么", "不是", "不会",
    "不能", "不用", "不必", "不再", "不够", "不要", "不算", "没什么", "别再",
}
ZH_EXCEPTIONS = {"不得不", "要不"}
CONTRAST_WORDS = {
    "but", "however", "although", "though", "yet", "whereas", "while", "nevertheless", "nonetheless",
    "except", "但", "但是", "可是", "不过", "然而", "却", "只是",
}
JOINING_PUNCTUATION = {"-", "'", "/", "&"}


def folded(token):
    return token.lower() if any("A" <= c <= "Z" for c in token) else token


def is_cue(token, following, chinese):
    if token in EN_CUES or token.endswith("n't"):
        return following is None or folded(following) not in PSEUDO_NEGATIONS.get(token, set())
    if not chinese:
        return False
    if token in ZH_CUES:
        return True
    return len(token) >= 2 and token[-1] in "不没" and token not in ZH_EXCEPTIONS


def ends_scope(token):
    if token in CONTRAST_WORDS:
        return True
    if token in JOINING_PUNCTUATION:
        return False
    return all(unicodedata.category(c)[0] in "PS" for c in token)


def negation_marks(tokens, chinese):
    marks, in_scope = [], False
    for i, token in enumerate(tokens):
        token = folded(token)
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if is_cue(token, following, chinese):
            in_scope = not in_scope
            marks.append(False)
        elif ends_scope(token):
            in_scope = False
            marks.append(False)
        else:
            marks.append(in_scope)
    return marks


def negation_input(x, p, transform):
    if transform == "diagonal":
        return p["negation.scale"] * x + p["negation.shift"]
    if transform == "affine":
        return p["negation.weight"] @ x + p["negation.bias"]
    return x  # identity


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gru_direction(inputs, p, suffix, layer, hidden, cell):
    w_ih, w_hh = p[f"gru.weight_ih_l{layer}{suffix}"], p[f"gru.weight_hh_l{layer}{suffix}"]
    b_ih, b_hh = p[f"gru.bias_ih_l{layer}{suffix}"], p[f"gru.bias_hh_l{layer}{suffix}"]
    h = np.zeros(hidden)
    outputs = []
    for x in inputs:
        gi = w_ih @ x + b_ih
        r = sigmoid(gi[:hidden] + w_hh[:hidden] @ h + b_hh[:hidden])
        z = sigmoid(gi[hidden : 2 * hidden] + w_hh[hidden : 2 * hidden] @ h + b_hh[hidden : 2 * hidden])
        if cell == "reset_after":
            n = np.tanh(gi[2 * hidden :] + r * (w_hh[2 * hidden :] @ h + b_hh[2 * hidden :]))
        else:
            n = np.tanh(gi[2 * hidden :] + w_hh[2 * hidden :] @ (r * h) + b_hh[2 * hidden :])
        h = (1 - z) * n + z * h
        outputs.append(h)
    return outputs, h


def probability(tokens, p, vocab, config):
    index = {token: i for i, token in enumerate(vocab)}
    ids = [index.get(token, 1) for token in tokens]  # 1 is <unk>
    cues = config.get("negation_cues")
    if cues is not None:
        assert cues in (1, 2), f"negation_cues {cues} is not a rule this script knows"
        marks = negation_marks(tokens, chinese=cues == 1)
        ids = [i + len(vocab) if marked else i for i, marked in zip(ids, marks)]
    wide = 0.0
    count = config.get("ngram_buckets", 0)
    found = buckets(ids, count) if count else []
    for b in found:
        wide += p["wide.weight"][b] * p["wide.scale"][b]
    max_len = config.get("max_len", 400)
    if len(ids) > max_len:
        head = config.get("head_len", max_len)
        ids = ids[:head] + ids[len(ids) - (max_len - head) :]
    hidden, cell = config["hidden"], config["cell"]
    rows = len(vocab)
    transform = config.get("negation_transform")
    inputs = [
        negation_input(p["embedding.weight"][i - rows], p, transform) if i >= rows else p["embedding.weight"][i]
        for i in ids
    ]
    finals = (np.zeros(hidden), np.zeros(hidden))
    for layer in range(config["layers"]):
        forward, forward_final = gru_direction(inputs, p, "", layer, hidden, cell)
        backward, backward_final = gru_direction(inputs[::-1], p, "_reverse", layer, hidden, cell)
        backward = backward[::-1]
        inputs = [np.concatenate([f, b]) for f, b in zip(forward, backward)]
        finals = (forward_final, backward_final)
    features = np.concatenate(finals)
    if config.get("pooling", "final") == "final_max_mean":
        outputs = np.array(inputs) if inputs else np.zeros((1, 2 * hidden))
        features = np.concatenate([features, outputs.max(axis=0), outputs.mean(axis=0)])
    logit = p["out.weight"][0] @ features + p["out.bias"][0] + wide
    logit /= config.get("temperature", 1.0)  # temperature scaling; absent: 1
    return ids, found, float(sigmoid(logit))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    p, vocab, config = load(sys.argv[1])
    texts = json.load(open(sys.argv[2], encoding="utf-8"))["texts"]
    results = []
    for entry in texts:
        ids, found, prob = probability(entry["tokens"], p, vocab, config)
        results.append({**entry, "ids": ids, "ngrams": found, "probability": prob})
    json.dump({"texts": results}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
