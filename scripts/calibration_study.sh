#!/usr/bin/env bash
# Calibration study: how the temperature's fitting rule does on small and mid-sized training sets. For
# each corpus, size and seed it draws a training set from the corpus's training file, keeps a tenth of it
# apart as the validation file, trains `sentiment` with default options, and scores the validation and
# test files. scripts/calibration_study.py then refits the temperature from those scores by several rules
# and compares their test log loss and ECE. Corpora come from ../shared/data (or $SHARED/data).
#
#   scripts/calibration_study.sh OUTDIR [SIZES] [SEEDS]      # defaults: "300 1000 3000", "1 2 3"
#   python3 scripts/calibration_study.py OUTDIR
set -euo pipefail

out=${1:?usage: scripts/calibration_study.sh OUTDIR [SIZES] [SEEDS]}
sizes=${2:-300 1000 3000}
seeds=${3:-1 2 3}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
binary=${SENTIMENT:-$root/.build/release/sentiment}
[ -x "$binary" ] || { echo "no $binary: run swift build -c release first (or set SENTIMENT)" >&2; exit 1; }
mkdir -p "$out"

# corpus: training file (under data/) and the corpus folder whose test.tsv is scored
for spec in cr/train.tsv:cr sst2/train_sentences.tsv:sst2 chnsenticorp/train.tsv:chnsenticorp \
    online_shopping/train.tsv:online_shopping; do
    source_file=$shared/data/${spec%%:*}
    name=${spec#*:}
    test_file=$shared/data/$name/test.tsv
    for size in $sizes; do
        for seed in $seeds; do
            tag=$out/${name}_${size}_$seed
            tail -n +2 "$source_file" | shuf --random-source=<(yes "$seed") -n "$size" >"$tag.pool"
            validation_count=$((size / 10))
            { head -1 "$source_file"; head -n "$validation_count" "$tag.pool"; } >"$tag.valid.tsv"
            { head -1 "$source_file"; tail -n +$((validation_count + 1)) "$tag.pool"; } >"$tag.train.tsv"
            "$binary" train "$tag.train.tsv" --valid "$tag.valid.tsv" --model "$tag.safetensors" \
                --seed "$seed" >/dev/null 2>&1
            "$binary" info -m "$tag.safetensors" --format json |
                python3 -c "import json, sys; print(json.load(sys.stdin)['config']['temperature'])" >"$tag.T"
            for set in valid test; do
                file=$tag.valid.tsv
                [ "$set" = test ] && file=$test_file
                tail -n +2 "$file" | cut -f1 >"$tag.$set.labels"
                "$binary" score -m "$tag.safetensors" --text-column 2 "$file" --format jsonl >"$tag.$set.jsonl"
            done
            echo "calibration_study: $tag" >&2
        done
    done
done
