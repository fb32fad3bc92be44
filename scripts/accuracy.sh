#!/usr/bin/env bash
# Measures test accuracy of `sentiment train` with default options on the shared corpora, over several
# seeds, beside the linear baselines of ../shared/bench/linear_baselines.py on the same files, and prints
# one Markdown table (mean, min, max per corpus). The seed moves test accuracy by up to three points on
# the small corpora, so options are compared on means, never on a single run.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/accuracy.sh [options] [-- TRAIN OPTIONS...]

For each corpus and seed: `sentiment train TRAIN [--valid DEV] --seed S [TRAIN OPTIONS]` (validation
on the dev split where the corpus has one, else the default 10 % split), then
`sentiment eval --format json` on the test split. Prints one line per run on stderr and a Markdown
table on stdout, with the best linear baseline of each corpus when --baselines is given.

--corpora "C..."  corpora under the shared folder's data/, and sst2-sentences (SST-2's training
                  sentences alone; validated and tested on SST-2's dev and test files); default: all
                  six, "sst2 sst2-sentences cr imdb chnsenticorp online_shopping"
--seeds "S..."    seeds (default: "1 2 3")
--baselines PY    also run the linear baselines with the Python PY (a virtual environment with what
                  linear_baselines.py's header asks for; character n-grams for the Chinese corpora)
--threads N       threads per run (default: all cores)
--workdir DIR     where models, logs and results go (default: a temporary folder, printed on stderr)
-h, --help        this help

Environment:
  SENTIMENT_SHARED  the shared folder (default: a `shared` folder beside the repository)
  SENTIMENT_BIN     the sentiment binary (default: builds .build/release/sentiment)
EOF
}

repository=$(cd "$(dirname "$0")/.." && pwd)
corpora="sst2 sst2-sentences cr imdb chnsenticorp online_shopping"
baselines=""
seeds="1 2 3"
threads=""
workdir=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --corpora) corpora=$2; shift 2 ;;
        --seeds) seeds=$2; shift 2 ;;
        --baselines) baselines=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "accuracy.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

shared=${SENTIMENT_SHARED:-$repository/../shared}
if [ ! -d "$shared/data" ]; then
    echo "accuracy.sh: no shared corpora at $shared/data (set SENTIMENT_SHARED)" >&2
    exit 1
fi
if [ -z "${SENTIMENT_BIN:-}" ]; then
    (cd "$repository" && swift build -c release --product sentiment >&2)
    SENTIMENT_BIN=$repository/.build/release/sentiment
fi
if [ -z "$workdir" ]; then workdir=$(mktemp -d -t sentiment-accuracy.XXXXXX); fi
mkdir -p "$workdir"
echo "accuracy.sh: models, logs and results in $workdir" >&2
threadOption=()
if [ -n "$threads" ]; then threadOption=(--threads "$threads"); fi

results=$workdir/results.tsv
printf 'corpus\tseed\ttest_accuracy\tvalidation_accuracy\tbest_epoch\tepochs_run\tseconds\n' >"$results"
baselineResults=$workdir/baselines.tsv
printf 'corpus\tbest_linear\tname\n' >"$baselineResults"
for corpus in $corpora; do
    data=$shared/data/$corpus
    trainFile=$data/train.tsv
    if [ "$corpus" = sst2-sentences ]; then data=$shared/data/sst2; trainFile=$data/train_sentences.tsv; fi
    validation=()
    if [ -f "$data/dev.tsv" ]; then validation=(--valid "$data/dev.tsv"); fi
    if [ -n "$baselines" ]; then
        cjk=()
        case "$corpus" in chnsenticorp | online_shopping) cjk=(--cjk) ;; esac
        "$baselines" "$shared/bench/linear_baselines.py" "$trainFile" "$data/test.tsv" "${cjk[@]}" \
            >"$workdir/$corpus-baselines.json" 2>"$workdir/$corpus-baselines.log"
        python3 - "$corpus" "$workdir/$corpus-baselines.json" >>"$baselineResults" <<'PYTHON'
import json, sys
result = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
scores = {k: v for k, v in result.items() if k in ("nbsvm", "nb_lr", "tfidf_lr", "fasttext") and v is not None}
name = max(scores, key=scores.get)
print(f"{sys.argv[1]}\t{scores[name]:.4f}\t{name}")
PYTHON
        tail -1 "$baselineResults" | awk -F'\t' '{printf "%s: best linear baseline %s (%s)\n", $1, $2, $3}' >&2
    fi
    for seed in $seeds; do
        model=$workdir/$corpus-seed$seed.safetensors
        start=$(date +%s)
        "$SENTIMENT_BIN" train "$trainFile" "${validation[@]}" --seed "$seed" --model "$model" \
            "${threadOption[@]}" "${extra[@]}" 2>"$workdir/$corpus-seed$seed.log"
        seconds=$(($(date +%s) - start))
        "$SENTIMENT_BIN" eval -m "$model" "$data/test.tsv" --format json >"$workdir/$corpus-seed$seed.json"
        python3 - "$corpus" "$seed" "$seconds" "$model" "$workdir/$corpus-seed$seed.json" "$SENTIMENT_BIN" \
            >>"$results" <<'PYTHON'
import json, subprocess, sys
corpus, seed, seconds, model, evaluation, binary = sys.argv[1:]
accuracy = json.load(open(evaluation))["metrics"]["accuracy"]
info = json.loads(subprocess.run([binary, "info", "-m", model, "--format", "json"],
                                 capture_output=True, check=True, text=True).stdout)
record = info["config"].get("training", {})
print("\t".join(str(x) for x in (corpus, seed, f"{accuracy:.4f}",
      f"{record.get('validation_accuracy', float('nan')):.4f}", record.get("best_epoch", ""),
      record.get("epochs_run", ""), seconds)))
PYTHON
        tail -1 "$results" | awk -F'\t' '{printf "%s seed %s: test %s, validation %s at epoch %s of %s, %s s\n", $1, $2, $3, $4, $5, $6, $7}' >&2
    done
done

python3 - "$results" "$baselineResults" <<'PYTHON'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
linear = {row["corpus"]: row for row in csv.DictReader(open(sys.argv[2]), delimiter="\t")}
print("| corpus | seeds | test accuracy: mean | min | max | best epochs | best linear baseline |")
print("|---|---|---|---|---|---|---|")
for corpus in dict.fromkeys(row["corpus"] for row in rows):
    runs = [row for row in rows if row["corpus"] == corpus]
    accuracies = [float(row["test_accuracy"]) for row in runs]
    best = linear.get(corpus)
    baseline = f"{best['best_linear']} ({best['name']})" if best else "-"
    print(f"| {corpus} | {len(runs)} | {statistics.mean(accuracies):.4f} | {min(accuracies):.4f} | "
          f"{max(accuracies):.4f} | {', '.join(row['best_epoch'] for row in runs)} | {baseline} |")
PYTHON
