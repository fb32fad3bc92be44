#!/usr/bin/env bash
# Benchmarks `sentiment` against the PyTorch reference (shared/bench/torch_bigru.py) on the same files
# and options: training, scoring and tokenization speed, peak memory and wall time, as one Markdown table.
# Run with --help for usage. Measurements are whole-process (/usr/bin/time -v) unless the table says
# otherwise; scripts/bench_table.py turns the raw measurements into the table.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench.sh [DATASET] [options]

Builds sentiment in release mode, then on the same train/test files and options:
  - trains sentiment as the reference model is trained (`sentiment train --valid-split 0 --patience 0
    --dropout 0 --embedding-dropout 0 --embedding-init-std 1 --pretrain-epochs 0 --head-len MAX_LEN
    --ngram-buckets 0 --ema 0 ...`, timed whole-process)
    and the PyTorch reference (which also scores the test file in the same process);
  - scores the test file with `sentiment score --text-column 2` (whole process, median of 5 runs);
  - trains and scores again with sentiment's default options (only --epochs, --patience 0, --seed and
    --threads given), timed whole-process beside the reference's training;
  - times `sentiment tokenize` on the training texts, and the latency of
    `echo "great film" | sentiment score` (best of 10);
and prints one Markdown table with both systems' figures and the ratio sentiment/PyTorch.

DATASET        imdb or sst2 (default imdb), read from the shared folder's data/DATASET/{train,test}.tsv
--dataset D    the same as the positional DATASET
--epochs N     training epochs (default 1)
--limit N      use only the first N training and the first N test documents (default: all)
--threads N    threads for both systems (default 2)
--emb N        embedding size (default 128)
--hidden N     GRU hidden size per direction (default 128)
--batch N      documents per training step (default 64)
--max-len N    tokens kept per document (default 400)
--lr X         Adam learning rate (default 2e-3)
--min-count N  vocabulary: minimum token count (default 2)
--max-vocab N  vocabulary: maximum size, <pad> and <unk> included (default 30000)
--seed N       seed of both systems (default 1)
--json FILE    also write all figures as JSON to FILE
--keep         keep the temporary folder with the raw outputs (its path is printed on stderr)
-h, --help     this help

Environment:
  TORCH_PYTHON      Python with torch for the reference (default: python3, if it can import torch);
                    without one, only sentiment's figures are printed.
  SENTIMENT_SHARED  the shared folder (default: a `shared` folder beside the repository or one of its
                    parents).
The table goes to standard output; progress messages go to standard error.
EOF
}

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 1
}

# --- options ---------------------------------------------------------------------------------------
command_line="$(printf '%q ' "$0" "$@")"
command_line="${command_line% }"
dataset=imdb
epochs=1
limit=0
threads=2
emb=128
hidden=128
batch=64
max_len=400
lr=2e-3
min_count=2
max_vocab=30000
seed=1
json_file=""
keep=false

need_value() { [[ $# -ge 2 ]] || die "$1 needs a value (see --help)"; }
positive_int() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, not '$2'"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --dataset) need_value "$@"; dataset=$2; shift 2 ;;
        --epochs) need_value "$@"; positive_int "$1" "$2"; epochs=$2; shift 2 ;;
        --limit) need_value "$@"; positive_int "$1" "$2"; limit=$2; shift 2 ;;
        --threads) need_value "$@"; positive_int "$1" "$2"; threads=$2; shift 2 ;;
        --emb) need_value "$@"; positive_int "$1" "$2"; emb=$2; shift 2 ;;
        --hidden) need_value "$@"; positive_int "$1" "$2"; hidden=$2; shift 2 ;;
        --batch) need_value "$@"; positive_int "$1" "$2"; batch=$2; shift 2 ;;
        --max-len) need_value "$@"; positive_int "$1" "$2"; max_len=$2; shift 2 ;;
        --min-count) need_value "$@"; positive_int "$1" "$2"; min_count=$2; shift 2 ;;
        --max-vocab) need_value "$@"; positive_int "$1" "$2"; max_vocab=$2; shift 2 ;;
        --seed) need_value "$@"; [[ $2 =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer"; seed=$2; shift 2 ;;
        --lr)
            need_value "$@"
            [[ $2 =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die "--lr must be a positive number, not '$2'"
            lr=$2; shift 2 ;;
        --json) need_value "$@"; json_file=$2; shift 2 ;;
        --keep) keep=true; shift ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) dataset=$1; shift ;;
    esac
done
case "$dataset" in
    imdb | sst2) ;;
    *) die "dataset must be imdb or sst2, not '$dataset'" ;;
esac
[[ $max_vocab -ge 3 ]] || die "--max-vocab must be at least 3"

# Decimal points in $EPOCHREALTIME and in the tools' output, whatever the user's locale.
export LC_NUMERIC=C

# --- locations and tools ---------------------------------------------------------------------------
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
[[ -f $repo_root/Package.swift ]] || die "$repo_root has no Package.swift; is this script inside the sentiment repository?"

find_shared() {
    if [[ -n ${SENTIMENT_SHARED:-} ]]; then
        [[ -d $SENTIMENT_SHARED/data ]] || die "SENTIMENT_SHARED=$SENTIMENT_SHARED has no data/ folder"
        (cd "$SENTIMENT_SHARED" && pwd)
        return
    fi
    # A worktree may sit deeper than the main clone (e.g. /work/wt/NAME beside /work/shared): search upward.
    local dir=$repo_root
    while [[ $dir != / ]]; do
        dir="$(dirname "$dir")"
        if [[ -d $dir/shared/data ]]; then
            printf '%s\n' "$dir/shared"
            return
        fi
    done
    die "no shared folder (with data/) beside the repository or any parent of it; set SENTIMENT_SHARED"
}
shared="$(find_shared)"
train_source="$shared/data/$dataset/train.tsv"
test_source="$shared/data/$dataset/test.tsv"
reference="$shared/bench/torch_bigru.py"
for file in "$train_source" "$test_source"; do
    [[ -r $file ]] || die "cannot read $file"
done

for tool in swift python3 lscpu git; do
    command -v "$tool" >/dev/null || die "'$tool' is not on PATH"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time, for peak RSS) is missing; apt-get install time"
table_helper="$script_dir/bench_table.py"
[[ -r $table_helper ]] || die "cannot read $table_helper"

# The reference runs only with a Python that can import torch.
torch_python=""
torch_note=""
if [[ -n ${TORCH_PYTHON:-} ]]; then
    if "$TORCH_PYTHON" -c 'import torch' >/dev/null 2>&1; then
        torch_python=$TORCH_PYTHON
    else
        torch_note="TORCH_PYTHON=$TORCH_PYTHON cannot import torch"
    fi
elif python3 -c 'import torch' >/dev/null 2>&1; then
    torch_python=python3
else
    torch_note="python3 cannot import torch and TORCH_PYTHON is not set"
fi
if [[ -n $torch_python && ! -r $reference ]]; then
    torch_note="cannot read the reference $reference"
    torch_python=""
fi
if [[ -z $torch_python ]]; then
    say "no PyTorch reference: $torch_note; printing sentiment's figures alone"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/sentiment-bench.XXXXXX")"
cleanup() {
    if $keep; then
        say "raw outputs kept in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- measurements ----------------------------------------------------------------------------------
# meta.tsv collects key<TAB>value lines for the table helper.
meta="$work/meta.tsv"
record() { printf '%s\t%s\n' "$1" "$2" >>"$meta"; }

# timed NAME COMMAND...: runs COMMAND with stdout to $work/NAME.out and stderr to $work/NAME.err,
# recording its wall time (from $EPOCHREALTIME, microseconds) and its /usr/bin/time -v report.
# Standard input is the caller's; a failure stops the benchmark with the command's last messages.
timed() {
    local name=$1
    shift
    local start end status=0
    start=$EPOCHREALTIME
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || status=$?
    end=$EPOCHREALTIME
    if [[ $status -ne 0 ]]; then
        printf 'bench: error: %s failed (exit status %d); its last messages:\n' "$name" "$status" >&2
        tail -n 20 "$work/$name.err" >&2
        exit 1
    fi
    record "$name.start" "$start"
    record "$name.end" "$end"
}

# Before the build, whose own load would show in the 1-minute average.
record load_average "$(cut -d ' ' -f 1-3 /proc/loadavg)"

say "building release binaries in $repo_root"
swift build -c release --package-path "$repo_root" --product sentiment >&2 ||
    die "swift build -c release failed"
bin_dir="$(swift build -c release --package-path "$repo_root" --show-bin-path)"
sentiment="$bin_dir/sentiment"
[[ -x $sentiment ]] || die "no sentiment binary at $sentiment after the build"

# The same documents for both systems: the header and the first --limit rows of each file.
if [[ $limit -gt 0 ]]; then
    head -n "$((limit + 1))" "$train_source" >"$work/train.tsv"
    head -n "$((limit + 1))" "$test_source" >"$work/test.tsv"
    train="$work/train.tsv"
    test="$work/test.tsv"
else
    train="$train_source"
    test="$test_source"
fi
# Texts alone (no header, no label column) for `sentiment tokenize`.
tail -n +2 "$train" | cut -f 2- >"$work/train.txt"
tail -n +2 "$test" | cut -f 2- >"$work/test.txt"

record command_line "$command_line"
record date "$(date -u '+%Y-%m-%d %H:%M UTC')"
commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$repo_root" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    commit="$commit (with uncommitted changes)"
fi
record commit "$commit"
record branch "$(git -C "$repo_root" rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)"
record cpu_model "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
record cpus "$(nproc)"
record dataset "$dataset"
record train_file "$train_source"
record test_file "$test_source"
record train_input "$train"
record test_input "$test"
for option in epochs limit threads emb hidden batch max_len lr min_count max_vocab seed; do
    record "$option" "${!option}"
done
record torch_python "$torch_python"
record torch_note "$torch_note"

say "tokenizing the training texts ($(wc -c <"$work/train.txt") bytes)"
timed tokenize "$sentiment" tokenize --threads "$threads" "$work/train.txt" </dev/null
# The test texts' token counts give scoring's tokens/s (not timed).
"$sentiment" tokenize --threads "$threads" "$work/test.txt" </dev/null >"$work/test_tokens.out" ||
    die "sentiment tokenize failed on the test texts"

say "training sentiment ($epochs epoch(s), $threads thread(s))"
model="$work/model.safetensors"
timed train "$sentiment" train "$train" --model "$model" --valid-split 0 --epochs "$epochs" --patience 0 \
    --embedding-dim "$emb" --hidden "$hidden" --batch "$batch" --max-len "$max_len" --lr "$lr" \
    --min-count "$min_count" --max-vocab "$max_vocab" --dropout 0 --embedding-dropout 0 \
    --embedding-init-std 1 --pretrain-epochs 0 --head-len "$max_len" --ngram-buckets 0 --ema 0 \
    --seed "$seed" --threads "$threads" </dev/null

# Scoring takes a tenth of a second, so one run is mostly noise: five runs, the table takes their median.
say "scoring the test file with sentiment (5 runs)"
for run in 1 2 3 4 5; do
    timed score "$sentiment" score --model "$model" --threads "$threads" --text-column 2 "$test" </dev/null
done

# What a user gets without options: skip-gram pre-training, the wide n-gram channel, the moving average, a 10 %
# validation split scored after each epoch, the temperature fit (only the epochs, seed and threads are set).
say "training sentiment with its default options ($epochs epoch(s))"
defaults_model="$work/defaults.safetensors"
timed train_defaults "$sentiment" train "$train" --model "$defaults_model" --epochs "$epochs" --patience 0 \
    --seed "$seed" --threads "$threads" </dev/null
for run in 1 2 3 4 5; do
    timed score_defaults "$sentiment" score --model "$defaults_model" --threads "$threads" --text-column 2 \
        "$test" </dev/null
done

say "latency of one line (best of 10)"
# Timed directly (no /usr/bin/time in between); one more run under /usr/bin/time gives its peak RSS.
for run in 1 2 3 4 5 6 7 8 9 10; do
    start=$EPOCHREALTIME
    printf 'great film\n' | "$sentiment" score --model "$model" --threads "$threads" >"$work/latency.out" ||
        die "sentiment score failed on one line from standard input"
    end=$EPOCHREALTIME
    record latency.start "$start"
    record latency.end "$end"
done
timed latency_memory "$sentiment" score --model "$model" --threads "$threads" < <(printf 'great film\n')

if [[ -n $torch_python ]]; then
    say "running the PyTorch reference with $torch_python"
    reference_options=(--train "$train" --test "$test" --epochs "$epochs" --emb "$emb" --hidden "$hidden"
        --batch "$batch" --max-len "$max_len" --lr "$lr" --min-count "$min_count" --max-vocab "$max_vocab"
        --threads "$threads" --seed "$seed")
    [[ $limit -gt 0 ]] && reference_options+=(--limit "$limit")
    timed reference "$torch_python" "$reference" "${reference_options[@]}" </dev/null
    record reference_command "$(printf '%q ' "$torch_python" "$reference" "${reference_options[@]}")"
fi

record load_average_after "$(cut -d ' ' -f 1-3 /proc/loadavg)"

table_options=("$work" --reference-source "$reference")
[[ -n $json_file ]] && table_options+=(--json "$json_file")
python3 "$table_helper" "${table_options[@]}"
