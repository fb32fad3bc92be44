#!/usr/bin/env python3
"""The peer of `sentiment serve` for scripts/serve_bench.sh: a FastAPI + uvicorn server that scores with
OUR model file in PyTorch, the network of ../shared/bench/torch_bigru.py (embedding, bidirectional
nn.GRU, linear head on the final states) plus the wide channel (dense or sparse), the negation marks
(the rule from reference_probability.py; the transformed rows appended to the table at load), the cut
and the temperature exactly as
docs/model-file.md, "Reproducing a probability outside Swift", and scripts/reference_probability.py describe them.

Endpoint and limits as `sentiment serve`'s: POST /v1/score {"texts": [...]} or {"text": "..."} with an
optional threshold -> {"results": [{"probability": p, "label": "..."}], "model": "..."}; 415 for a body
that is not application/json, 413 for a body over --max-body (from Content-Length, or while reading)
or more than --max-texts texts, 400 for anything else wrong. GET /healthz. No dynamic batching, no load
shedding: the server a team would write first.

Tokens: NFKC, full case folding (unless the model keeps case), typographic apostrophes to "'", the
model's ASCII emoticons as one token each, then ICU's word boundaries (PyICU) with spaces dropped, as
`sentiment tokenize` does; without PyICU, words and single punctuation marks by a regular expression
(then emoji sequences and some scripts split differently). scripts/serve_peer_check.py counts the texts
on which the peer's probability differs from `sentiment score`'s.

Only `cell: reset_after` and `pooling: final` models (PyTorch's nn.GRU); others are refused.

usage: serve_peer.py MODEL.safetensors [--host 127.0.0.1] [--port 8090] [--threads 1]
                     [--max-body 1048576] [--max-texts 1024]
Needs (in a venv outside the repository, scripts/serve_peer_setup.sh): torch, fastapi, uvicorn, numpy,
and optionally PyICU; the model file is read by scripts/reference_probability.py beside it.
"""
import argparse
import json
import os
import re
import sys
import unicodedata

import torch
import torch.nn as nn
import uvicorn
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

try:
    import icu
except ImportError:
    icu = None

# The file reader, the n-gram buckets and the negation rule as the NumPy reference states them, not a
# third copy.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_probability import buckets, load, negation_marks  # noqa: E402

EMOTICONS = [
    ":)", ":-)", ":(", ":-(", ":D", ":-D", ":d", ";)", ";-)", ";D", ":P", ":-P", ":p", ":-p", ";P", ";p",
    ":/", ":-/", ":\\", ":'(", ":')", ":'-(", ":,(", ":o", ":O", ":-o", ":-O", ":|", ":-|", ":*", ":-*",
    ":]", ":[", ":@", ">:(", ">:)", ">:-(", "=)", "=(", "=D", "=P", "=/", "<3", "</3", "xD", "XD",
    "^_^", "^^", "^.^", "^-^", "-_-", "-.-", "T_T", "T.T", ";_;", "o_O", "O_o", "o.O", "O.o", "o_o", "O_O",
]
APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\uff07": "'", "\u2018": "'"})


class Tokenizer:
    def __init__(self, settings):
        self.keep_case = settings.get("keep_case", False)
        self.emoticons = settings.get("emoticons", True)
        # Longest first; a letter/digit/=/< start needs a non-alphanumeric before; never alphanumeric or
        # "/" after (Sources/Tokenizer/Emoticons.swift).
        spellings = sorted(EMOTICONS, key=len, reverse=True)
        parts = []
        for s in spellings:
            guard = r"(?<![^\W_])" if (s[0].isalnum() or s[0] in "=<") else ""
            parts.append(guard + re.escape(s))
        self.emoticon_pattern = re.compile("(?:" + "|".join(parts) + r")(?![^\W_]|/)")
        self.words = icu.BreakIterator.createWordInstance(icu.Locale(settings.get("locale", "root"))) if icu else None
        self.fallback = re.compile(r"\w+|[^\w\s]", re.UNICODE)

    def segments(self, text):
        if self.words is None:
            return self.fallback.findall(text)
        self.words.setText(text)
        utext = icu.UnicodeString(text)
        pieces, start = [], self.words.first()
        for end in self.words:
            pieces.append(str(utext[start:end]))
            start = end
        return [p for p in pieces if p.strip()]

    def tokens(self, text):
        text = unicodedata.normalize("NFKC", text)
        spans = []
        if self.emoticons:
            position = 0
            for match in self.emoticon_pattern.finditer(text):
                spans.append((text[position:match.start()], None))
                spans.append((None, match.group()))
                position = match.end()
            spans.append((text[position:], None))
        else:
            spans = [(text, None)]
        tokens = []
        for plain, emoticon in spans:
            if emoticon is not None:
                tokens.append(emoticon if self.keep_case else emoticon.casefold())
                continue
            folded = plain.translate(APOSTROPHES)
            if not self.keep_case:
                folded = folded.casefold()
            tokens.extend(self.segments(folded))
        return tokens


class BiGRU(nn.Module):
    """torch_bigru.py's network, any number of layers."""

    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.gru = nn.GRU(emb, hidden, num_layers=layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(x), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.out(torch.cat([h[-2], h[-1]], dim=1)).squeeze(1)


class PeerModel:
    def __init__(self, path):
        # The NumPy reference's reader: the header checked, float16 widened, the sparse wide channel made
        # dense (docs/model-file.md). float32 again here, as the model computes.
        tensors, vocab, config = load(path)
        if config.get("cell", "reset_after") != "reset_after" or config.get("pooling", "final") != "final":
            raise SystemExit(f"{path}: only reset_after models without pooling run in nn.GRU")
        state = {name: torch.from_numpy(values).float() for name, values in tensors.items()}
        self.wide_weight, self.wide_scale = state.pop("wide.weight", None), state.pop("wide.scale", None)
        self.wide = None if self.wide_weight is None else (self.wide_weight * self.wide_scale).tolist()
        # Negation marks: a marked token reads id len(vocab) + id, whose input is the transform of its
        # row, so the table is extended with every row's transform once, at load.
        self.negation_cues = config.get("negation_cues")
        transform = config.get("negation_transform")
        rows = state["embedding.weight"]
        if self.negation_cues is not None:
            if transform == "affine":
                marked = rows @ state.pop("negation.weight").T + state.pop("negation.bias")
            elif transform == "diagonal":
                marked = rows * state.pop("negation.scale") + state.pop("negation.shift")
            else:
                marked = rows.clone()
            state["embedding.weight"] = torch.cat([rows, marked])
        self.network = BiGRU(
            state["embedding.weight"].shape[0], config["embedding_dim"], config["hidden"], config["layers"])
        self.network.load_state_dict(state)
        self.network.eval()
        self.index = {token: i for i, token in enumerate(vocab)}
        self.buckets = config.get("ngram_buckets", 0)
        self.max_len = config.get("max_len", 400)
        self.head_len = config.get("head_len", self.max_len)
        self.temperature = config.get("temperature", 1.0)
        self.threshold = config.get("threshold", 0.5)
        self.tokenizer = Tokenizer(config.get("tokenizer", {}))

    def encode(self, text):
        tokens = self.tokenizer.tokens(text)
        ids = [self.index.get(t, 1) for t in tokens]
        if self.negation_cues is not None:
            marks = negation_marks(tokens, chinese=self.negation_cues == 1)
            ids = [i + len(self.index) if marked else i for i, marked in zip(ids, marks)]
        wide = 0.0
        if self.wide is not None and ids:
            wide = sum(self.wide[b] for b in buckets(ids, self.buckets))
        if len(ids) > self.max_len:
            ids = ids[: self.head_len] + ids[len(ids) - (self.max_len - self.head_len):]
        return ids, wide

    def probabilities(self, texts):
        encoded = [self.encode(t) for t in texts]
        logits = [0.0] * len(texts)
        filled = [i for i, (ids, _) in enumerate(encoded) if ids]
        with torch.inference_mode():
            if filled:
                longest = max(len(encoded[i][0]) for i in filled)
                x = torch.zeros(len(filled), longest, dtype=torch.long)
                for row, i in enumerate(filled):
                    x[row, : len(encoded[i][0])] = torch.tensor(encoded[i][0])
                lengths = torch.tensor([len(encoded[i][0]) for i in filled])
                for row, value in zip(filled, self.network(x, lengths).tolist()):
                    logits[row] = value
            bias = float(self.network.out.bias[0])
        result = []
        for i, (ids, wide) in enumerate(encoded):
            logit = (logits[i] if ids else bias) + wide  # an empty text: zero final states
            result.append(float(torch.sigmoid(torch.tensor(logit / self.temperature, dtype=torch.float32))))
        return result


def error(status, code, message):
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def make_app(model, name, max_body, max_texts):
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz():
        return {"status": "ok"}

    @app.post("/v1/score")
    async def score(request: Request):
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return error(415, "unsupported_media_type", f"the body must be application/json, got {content_type!r}")
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body:
            return error(413, "too_large", f"the request body is larger than {max_body} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                return error(413, "too_large", f"the request body is larger than {max_body} bytes")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as problem:
            return error(400, "malformed_json", f"the request body is not valid JSON: {problem}")
        if not isinstance(data, dict):
            return error(400, "wrong_type", "the request body must be a JSON object")
        texts = data.get("texts", [data["text"]] if "text" in data else None)
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return error(400, "wrong_type", "texts must be an array of strings (or text a string)")
        if len(texts) > max_texts:
            return error(413, "too_large", f"{len(texts)} texts in one request; the limit is {max_texts}")
        threshold = data.get("threshold", model.threshold)
        probabilities = await run_in_threadpool(model.probabilities, texts)
        results = [{"probability": p, "label": "positive" if p >= threshold else "negative"} for p in probabilities]
        return Response(json.dumps({"results": results, "model": name}), media_type="application/json")

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (the cores it has)")
    parser.add_argument("--max-body", type=int, default=1 << 20)
    parser.add_argument("--max-texts", type=int, default=1024)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = PeerModel(args.model)
    app = make_app(model, args.model, args.max_body, args.max_texts)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
