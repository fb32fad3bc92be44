#!/usr/bin/env python3
"""Turns the raw measurements of scripts/bench.sh into one Markdown table (and optionally JSON).

usage: bench_table.py WORK_DIR [--reference-source torch_bigru.py] [--json FILE]

WORK_DIR holds meta.tsv (key<TAB>value lines), the /usr/bin/time -v reports (*.time), the commands'
outputs (*.out, *.err) and the texts bench.sh measured. Standard library only.
"""
import argparse
import collections
import json
import os
import re
import statistics
import sys
import tempfile

# The reference's tokenizer, used only to count its tokens; read from the reference's source when it can
# be, so that the counts follow the reference if its pattern changes.
REFERENCE_TOKEN_PATTERN = r"\w+|[^\w\s]"


# The options that make `sentiment train` train the reference's model (scripts/bench.sh passes them).
SENTIMENT_ONLY = ("`--valid-split 0 --patience 0 --dropout 0 --embedding-dropout 0 --embedding-init-std 1 "
                  "--pretrain-epochs 0 --head-len MAX_LEN`")


def fail(message):
    sys.exit(f"bench_table: error: {message}")


def read_meta(work):
    meta = collections.defaultdict(list)
    with open(os.path.join(work, "meta.tsv"), encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key].append(value)
    return meta


def one(meta, key, default=""):
    values = meta.get(key)
    return values[-1] if values else default


def wall(meta, name):
    """Seconds `name` took: the median over its runs when it was timed more than once."""
    times = [float(end) - float(start) for start, end in zip(meta[name + ".start"], meta[name + ".end"])]
    if not times:
        fail(f"meta.tsv has no timing of {name}")
    return statistics.median(times)


def peak_rss_kib(work, name):
    """Maximum resident set size (KiB) from a /usr/bin/time -v report."""
    with open(os.path.join(work, name + ".time"), encoding="utf-8") as f:
        for line in f:
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1])
    fail(f"{name}.time has no 'Maximum resident set size' line")


def sentiment_token_counts(path):
    """Tokens per line of `sentiment tokenize` output (tokens separated by single spaces)."""
    counts = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            counts.append(sum(1 for token in line.rstrip("\n").split(" ") if token))
    return counts


def reference_pattern(source):
    try:
        with open(source, encoding="utf-8") as f:
            match = re.search(r'^TOK = re\.compile\(r"(.*)", re\.UNICODE\)', f.read(), re.M)
        if match:
            return match.group(1)
    except OSError:
        pass
    return REFERENCE_TOKEN_PATTERN


def reference_token_counts(tsv, pattern):
    """Tokens per document as the reference reads them: header skipped, text after the first tab,
    lower-cased, split by its regex."""
    regex = re.compile(pattern, re.UNICODE)
    counts = []
    with open(tsv, encoding="utf-8", errors="replace") as f:
        next(f)
        for line in f:
            counts.append(len(regex.findall(line.rstrip("\n").split("\t", 1)[1].lower())))
    return counts


def model_tokens(counts, max_len):
    """Tokens the model processes: each document cut to max_len, an empty one counted as 1 (both systems)."""
    return sum(max(min(n, max_len), 1) for n in counts)


def parse_sentiment_training(stderr_path):
    with open(stderr_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    header = re.search(r"train: (\d+) training and (\d+) validation documents, vocabulary (\d+) tokens", text)
    if not header:
        fail(f"sentiment train printed no 'train: N training ... vocabulary V tokens' line:\n{text}")
    # "epoch 1/2: loss 0.6931, 12,345 tokens/s, 42.0 s"
    rates = [float(m.group(2).replace(",", ""))
             for m in re.finditer(r"^epoch (\d+)/\d+: .*?([\d,]+) tokens/s", text, re.M)]
    return int(header.group(1)), int(header.group(3)), rates


def parse_reference(out_path):
    epochs, final = [], None
    with open(out_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if record.get("final"):
                final = record
            elif "epoch" in record:
                epochs.append(record)
    if final is None:
        fail(f"the reference printed no final JSON line (see {out_path})")
    return epochs, final


def labels_of(tsv):
    with open(tsv, encoding="utf-8", errors="replace") as f:
        next(f)
        return [line.split("\t", 1)[0] for line in f]


def sentiment_accuracy(scores_path, labels):
    with open(scores_path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    if rows and rows[0][0] == "probability":
        rows = rows[1:]
    if len(rows) != len(labels):
        fail(f"sentiment score wrote {len(rows)} result lines for {len(labels)} test documents")
    correct = sum((row[1] == "positive") == (label == "1") for row, label in zip(rows, labels))
    return correct / len(labels)


def measure(work, reference_source):
    meta = read_meta(work)
    options = {key: one(meta, key) for key in
               ("epochs", "limit", "threads", "emb", "hidden", "batch", "max_len", "lr", "min_count",
                "max_vocab", "seed")}
    epochs, max_len = int(options["epochs"]), int(options["max_len"])
    train_tsv, test_tsv = one(meta, "train_input"), one(meta, "test_input")
    train_txt, test_txt = os.path.join(work, "train.txt"), os.path.join(work, "test.txt")
    train_labels, test_labels = labels_of(train_tsv), labels_of(test_tsv)
    train_docs, test_docs = len(train_labels), len(test_labels)

    # --- sentiment ---
    train_counts = sentiment_token_counts(os.path.join(work, "tokenize.out"))
    test_counts = sentiment_token_counts(os.path.join(work, "test_tokens.out"))
    if len(train_counts) != train_docs or len(test_counts) != test_docs:
        fail(f"sentiment tokenize wrote {len(train_counts)}/{len(test_counts)} lines for "
             f"{train_docs}/{test_docs} documents")
    trained_docs, vocabulary, rates = parse_sentiment_training(os.path.join(work, "train.err"))
    if trained_docs != train_docs:
        fail(f"sentiment train read {trained_docs} documents, the file has {train_docs}")
    if len(rates) != epochs:
        fail(f"sentiment train printed {len(rates)} epoch lines with tokens/s, expected {epochs}")
    epoch_tokens = model_tokens(train_counts, max_len)
    loop_seconds = sum(epoch_tokens / rate for rate in rates)
    train_wall = wall(meta, "train")
    score_wall = wall(meta, "score")
    tokenize_wall = wall(meta, "tokenize")
    latencies = [float(end) - float(start) for start, end in zip(meta["latency.start"], meta["latency.end"])]
    train_text_bytes = os.path.getsize(train_txt)
    score_tokens = model_tokens(test_counts, max_len)
    sentiment = {
        "vocabulary": vocabulary,
        "train_tokens_per_epoch": epoch_tokens,
        "test_tokens": score_tokens,
        "training": {
            "epoch_tokens_per_s": rates,
            "loop_s": loop_seconds,
            "loop_tokens_per_s": epochs * epoch_tokens / loop_seconds,
            "loop_docs_per_s": epochs * train_docs / loop_seconds,
            "wall_s": train_wall,
            "tokens_per_s": epochs * epoch_tokens / train_wall,
            "docs_per_s": epochs * train_docs / train_wall,
            "peak_rss_kib": peak_rss_kib(work, "train"),
        },
        "scoring": {
            "wall_s": score_wall,
            "docs_per_s": test_docs / score_wall,
            "tokens_per_s": score_tokens / score_wall,
            "peak_rss_kib": peak_rss_kib(work, "score"),
            "latency_best_s": min(latencies),
            "latency_median_s": sorted(latencies)[len(latencies) // 2],
            "latency_runs": len(latencies),
            "latency_peak_rss_kib": peak_rss_kib(work, "latency_memory"),
            "test_accuracy": sentiment_accuracy(os.path.join(work, "score.out"), test_labels),
        },
        "defaults": {
            "wall_s": wall(meta, "train_defaults"),
            "docs_per_s": epochs * train_docs / wall(meta, "train_defaults"),
            "peak_rss_kib": peak_rss_kib(work, "train_defaults"),
            "score_wall_s": wall(meta, "score_defaults"),
            "score_docs_per_s": test_docs / wall(meta, "score_defaults"),
            "score_peak_rss_kib": peak_rss_kib(work, "score_defaults"),
            "test_accuracy": sentiment_accuracy(os.path.join(work, "score_defaults.out"), test_labels),
        },
        "tokenization": {
            "input": "training texts",
            "bytes": train_text_bytes,
            "docs": train_docs,
            "tokens": sum(train_counts),
            "wall_s": tokenize_wall,
            "mb_per_s": train_text_bytes / 1e6 / tokenize_wall,
            "tokens_per_s": sum(train_counts) / tokenize_wall,
            "docs_per_s": train_docs / tokenize_wall,
            "peak_rss_kib": peak_rss_kib(work, "tokenize"),
        },
    }

    # --- PyTorch reference ---
    reference = None
    if one(meta, "torch_python"):
        epoch_lines, final = parse_reference(os.path.join(work, "reference.out"))
        if len(epoch_lines) != epochs:
            fail(f"the reference printed {len(epoch_lines)} epoch lines, expected {epochs}")
        if final["train_docs"] != train_docs or final["test_docs"] != test_docs:
            fail(f"the reference used {final['train_docs']}/{final['test_docs']} documents, "
                 f"sentiment {train_docs}/{test_docs}")
        pattern = reference_pattern(reference_source)
        reference_train = reference_token_counts(train_tsv, pattern)
        reference_test = reference_token_counts(test_tsv, pattern)
        reference_epoch_tokens = model_tokens(reference_train, max_len)
        reference_rates = [float(line["train_tokens_per_s"]) for line in epoch_lines]
        reference_loop = sum(reference_epoch_tokens / rate for rate in reference_rates)
        total_wall = wall(meta, "reference")
        # The reference scores in the same process: its training share is the whole run less scoring.
        reference_train_wall = total_wall - final["score_s"]
        prep = final["prep_s"]
        prep_bytes = os.path.getsize(train_txt) + os.path.getsize(test_txt)
        prep_tokens = sum(reference_train) + sum(reference_test)
        reference = {
            "torch": final.get("torch"),
            "python": one(meta, "torch_python"),
            "command": one(meta, "reference_command"),
            "vocabulary": final["vocab"],
            "train_tokens_per_epoch": reference_epoch_tokens,
            "test_tokens": model_tokens(reference_test, max_len),
            "token_pattern": pattern,
            "whole_process_wall_s": total_wall,
            "whole_process_peak_rss_kib": peak_rss_kib(work, "reference"),
            "epoch_lines": epoch_lines,
            "final_line": final,
            "training": {
                "epoch_tokens_per_s": reference_rates,
                "loop_s": reference_loop,
                "loop_tokens_per_s": epochs * reference_epoch_tokens / reference_loop,
                "loop_docs_per_s": epochs * train_docs / reference_loop,
                "wall_s": reference_train_wall,
                "tokens_per_s": epochs * reference_epoch_tokens / reference_train_wall,
                "docs_per_s": epochs * train_docs / reference_train_wall,
                "peak_rss_kib": peak_rss_kib(work, "reference"),
            },
            "scoring": {
                "wall_s": final["score_s"],
                "docs_per_s": final["score_docs_per_s"],
                "tokens_per_s": final["score_tokens_per_s"],
                "test_accuracy": final["test_accuracy"],
            },
            "tokenization": {
                "input": "training and test texts (its whole preparation step)",
                "bytes": prep_bytes,
                "docs": train_docs + test_docs,
                "tokens": prep_tokens,
                "wall_s": prep,
                "mb_per_s": prep_bytes / 1e6 / prep if prep > 0 else None,
                "tokens_per_s": prep_tokens / prep if prep > 0 else None,
                "docs_per_s": (train_docs + test_docs) / prep if prep > 0 else None,
            },
        }

    return {
        "machine": {"cpu": one(meta, "cpu_model"), "cpus": int(one(meta, "cpus")),
                    "load_average_before_run": one(meta, "load_average"),
                    "load_average_after_run": one(meta, "load_average_after")},
        "date": one(meta, "date"),
        "commit": one(meta, "commit"),
        "branch": one(meta, "branch"),
        "command_line": one(meta, "command_line"),
        "dataset": one(meta, "dataset"),
        "train_file": one(meta, "train_file"),
        "test_file": one(meta, "test_file"),
        "train_docs": train_docs,
        "test_docs": test_docs,
        "options": options,
        "reference_skipped_because": None if reference else one(meta, "torch_note"),
        "sentiment": sentiment,
        "reference": reference,
    }


# --- Markdown ---------------------------------------------------------------------------------------

def rate(value):
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def seconds(value):
    if value is None:
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:,.2f} s"


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:,.0f} MiB"


def ratio(ours, theirs):
    if ours is None or theirs is None or theirs == 0:
        return "—"
    return f"{ours / theirs:.2f}×"


def markdown(r):
    s, t = r["sentiment"], r["reference"]
    o = r["options"]
    get = (lambda stage, key: t[stage].get(key)) if t else (lambda stage, key: None)
    limit = f"first {int(o['limit']):,} docs of each file" if o["limit"] != "0" else "all docs"
    title = "sentiment vs PyTorch" if t else "sentiment (no PyTorch reference)"
    options = (f"emb {o['emb']}, hidden {o['hidden']}, batch {o['batch']}, max-len {o['max_len']}, lr {o['lr']}, "
               f"min-count {o['min_count']}, max-vocab {o['max_vocab']}, seed {o['seed']}, Adam, gradient "
               f"clipping 5")
    lines = [
        f"## {title}: {r['dataset']}, {limit}, {o['epochs']} epoch(s), {o['threads']} thread(s)",
        "",
        f"- Machine: {r['machine']['cpu']}, {r['machine']['cpus']} CPUs; load average before the run "
        f"{r['machine']['load_average_before_run']}, after {r['machine']['load_average_after_run']}",
        f"- Date: {r['date']}; commit {r['commit']} (branch {r['branch']})",
        f"- Command: `{r['command_line']}`",
        f"- Data: {r['train_docs']:,} training docs from {r['train_file']}, {r['test_docs']:,} test docs "
        f"from {r['test_file']}",
        (f"- Model options (both): {options}; sentiment also gets {SENTIMENT_ONLY} "
         f"(the reference has neither validation nor dropout, starts its embedding from N(0, 1) and keeps "
         f"the first max-len tokens)" if t else
         f"- Model options: {options}, {SENTIMENT_ONLY}"),
        f"- Vocabulary: sentiment {s['vocabulary']:,}" + (f", PyTorch {t['vocabulary']:,}" if t else ""),
    ]
    busiest = max(float(text.split()[0]) for text in
                  (r["machine"]["load_average_before_run"], r["machine"]["load_average_after_run"]))
    if busiest >= r["machine"]["cpus"]:
        lines.append(f"- **Warning: the machine was busy (1-minute load average up to {busiest:.1f} on "
                     f"{r['machine']['cpus']} CPUs); other work shared the CPUs, so these figures are "
                     f"unreliable" + (", multi-threaded PyTorch (OpenMP) most of all.**" if t else ".**"))
    if t:
        lines.append(f"- PyTorch {t['torch']} ({t['python']})")
    else:
        lines.append(f"- PyTorch reference not run: {r['reference_skipped_because']}; sentiment's figures alone")
    if t:
        lines += ["", "| stage | measure | sentiment | PyTorch | sentiment / PyTorch |", "|---|---|--:|--:|--:|"]
    else:
        lines += ["", "| stage | measure | sentiment |", "|---|---|--:|"]

    def row(stage, measure, ours, theirs, fmt, with_ratio=True):
        cells = [stage, measure, fmt(ours)]
        if t:
            cells += [fmt(theirs), ratio(ours, theirs) if with_ratio else "—"]
        lines.append("| " + " | ".join(cells) + " |")

    def accuracy(value):
        return "—" if value is None else f"{value:.4f}"

    st, ss, sk = s["training"], s["scoring"], s["tokenization"]
    row("training", "tokens/s, training loop ¹", st["loop_tokens_per_s"], get("training", "loop_tokens_per_s"), rate)
    row("training", "docs/s, training loop ¹", st["loop_docs_per_s"], get("training", "loop_docs_per_s"), rate)
    row("training", "tokens/s, whole process ²", st["tokens_per_s"], get("training", "tokens_per_s"), rate)
    row("training", "docs/s, whole process ²", st["docs_per_s"], get("training", "docs_per_s"), rate)
    row("training", "wall time, whole process ²", st["wall_s"], get("training", "wall_s"), seconds)
    row("training", "peak RSS ³", st["peak_rss_kib"], get("training", "peak_rss_kib"), mib)
    row("scoring", "docs/s ⁴", ss["docs_per_s"], get("scoring", "docs_per_s"), rate)
    row("scoring", "tokens/s ⁴", ss["tokens_per_s"], get("scoring", "tokens_per_s"), rate)
    row("scoring", "wall time ⁴", ss["wall_s"], get("scoring", "wall_s"), seconds)
    row("scoring", "peak RSS ³", ss["peak_rss_kib"], None, mib)
    row("scoring", f"latency of one line, best of {ss['latency_runs']} ⁵", ss["latency_best_s"], None, seconds)
    row("scoring", "peak RSS, one line", ss["latency_peak_rss_kib"], None, mib)
    row("scoring", "test accuracy (sanity check)", ss["test_accuracy"], get("scoring", "test_accuracy"),
        accuracy, with_ratio=False)
    sd = s["defaults"]
    row("default options ⁷", "docs/s, training, whole process", sd["docs_per_s"], get("training", "docs_per_s"),
        rate)
    row("default options ⁷", "wall time, training, whole process", sd["wall_s"], get("training", "wall_s"),
        seconds)
    row("default options ⁷", "peak RSS, training", sd["peak_rss_kib"], get("training", "peak_rss_kib"), mib)
    row("default options ⁷", "docs/s, scoring", sd["score_docs_per_s"], get("scoring", "docs_per_s"), rate)
    row("default options ⁷", "peak RSS, scoring", sd["score_peak_rss_kib"], None, mib)
    row("default options ⁷", "test accuracy (sanity check)", sd["test_accuracy"], get("scoring", "test_accuracy"),
        accuracy, with_ratio=False)
    row("tokenization", "MB/s ⁶", sk["mb_per_s"], get("tokenization", "mb_per_s"), rate)
    row("tokenization", "tokens/s ⁶", sk["tokens_per_s"], get("tokenization", "tokens_per_s"), rate)
    row("tokenization", "docs/s ⁶", sk["docs_per_s"], get("tokenization", "docs_per_s"), rate)
    row("tokenization", "wall time ⁶", sk["wall_s"], get("tokenization", "wall_s"), seconds)
    row("tokenization", "peak RSS", sk["peak_rss_kib"], None, mib)

    counts = (f"sentiment's ICU tokenizer gives {s['train_tokens_per_epoch']:,} training tokens per epoch and "
              f"{s['test_tokens']:,} test tokens")
    if t:
        counts += (f"; the reference's regex `{t['token_pattern']}` gives {t['train_tokens_per_epoch']:,} and "
                   f"{t['test_tokens']:,}")
    notes = [""]
    if t:
        notes.append("Ratios are sentiment ÷ PyTorch: above 1 for a rate means sentiment is faster, above 1 for "
                     "a time or a memory figure means sentiment takes more.")
    notes += [
        ("Each system's tokens/s counts its own tokens" if t else "tokens/s counts sentiment's tokens")
        + f" as the model sees them (each document cut to max-len, an empty one counted as 1): {counts}. "
        "docs/s does not depend on the tokenizer. MB = 10⁶ bytes of text; MiB = 2²⁰ bytes.",
        "",
    ]
    per_epoch = ", ".join(rate(v) for v in st["epoch_tokens_per_s"])
    if t:
        reference_epochs = ", ".join(rate(v) for v in t["training"]["epoch_tokens_per_s"])
        notes += [
            f"1. Training loop only, from each system's per-epoch tokens/s (sentiment's epoch lines on stderr: "
            f"{per_epoch}; the reference's `train_tokens_per_s`: {reference_epochs}), combined over epochs as "
            "total tokens ÷ total epoch time.",
            "2. sentiment: the `sentiment train` process (read, tokenize, build the vocabulary, train, write the "
            "model). PyTorch: its whole process less its scoring loop (`score_s`), i.e. interpreter and torch "
            "start-up, reading and tokenizing both files, vocabulary, training.",
            "3. Peak resident set size from `/usr/bin/time -v`. The reference trains and scores in one "
            "process, so its one figure covers both.",
            "4. sentiment: the whole `sentiment score --text-column 2 TEST` process (load the model, read, "
            "tokenize, score, write), median of 5 runs. PyTorch: its scoring loop alone (`score_docs_per_s`, "
            "`score_tokens_per_s`, `score_s`), on documents tokenized and encoded beforehand and with the "
            "model in memory, so the comparison favours the reference.",
        ]
    else:
        notes += [
            f"1. Training loop only, from the per-epoch tokens/s on stderr ({per_epoch}), combined over epochs "
            "as total tokens ÷ total epoch time.",
            "2. The `sentiment train` process: read, tokenize, build the vocabulary, train, write the model.",
            "3. Peak resident set size from `/usr/bin/time -v`.",
            "4. The whole `sentiment score --text-column 2 TEST` process: load the model, read, tokenize, "
            "score, write; median of 5 runs.",
        ]
    notes += [
        f"5. `echo \"great film\" | sentiment score` with the trained model (vocabulary {s['vocabulary']:,}); "
        f"median {seconds(ss['latency_median_s'])}." + (" The reference has no one-line mode." if t else ""),
        f"6. sentiment: `sentiment tokenize` on the {sk['docs']:,} training texts ({sk['bytes'] / 1e6:,.1f} MB, "
        f"{sk['tokens']:,} tokens, output written to a file)."
        + (f" PyTorch: its preparation step (`prep_s`: read both files, lower-case, regex-tokenize, count, "
           f"build the vocabulary, encode) over the training and test texts "
           f"({t['tokenization']['bytes'] / 1e6:,.1f} MB, {t['tokenization']['tokens']:,} regex tokens)."
           if t else ""),
    ]
    notes.append(
        "7. `sentiment train TRAIN --epochs E --patience 0 --seed S --threads N` and `sentiment score` with its "
        "model: skip-gram pre-training of the embedding, the wide n-gram channel, the moving average, a 10 % "
        "validation split scored after every epoch and the temperature fit, all in the timed process; docs/s "
        "counts every document of the file once per epoch, validation share included."
        + (" Beside them: the reference's training (whole process less scoring) and scoring loop, as in "
           "rows 2 and 4." if t else ""))
    return "\n".join(lines + notes) + "\n"


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".bench-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main():
    parser = argparse.ArgumentParser(description="Markdown table of scripts/bench.sh measurements")
    parser.add_argument("work")
    parser.add_argument("--reference-source", default="")
    parser.add_argument("--json")
    arguments = parser.parse_args()
    results = measure(arguments.work, arguments.reference_source)
    sys.stdout.write(markdown(results))
    if arguments.json:
        try:
            write_atomically(arguments.json, json.dumps(results, indent=2) + "\n")
        except OSError as error:
            fail(f"{arguments.json}: cannot write the JSON file: {error}")


if __name__ == "__main__":
    main()
