#!/usr/bin/env bash
# Trains the general model compiled into the executable (issue 24):
#   scripts/make_bundled_model.sh [--record | --candidate FILE] [SHARED]
#                                               (SHARED: the benchmark data, default ../shared)
#
# One model for English and Chinese, from the training splits only (SST-2 phrases, IMDB, CR,
# ChnSentiCorp, online_shopping: their test splits stay honest for the README's figures), with the
# bundled English vectors and default options except three that keep the file small: 2^18 n-gram
# buckets instead of 2^20, 10,000 vector-only words instead of 50,000, and float16 storage.
# docs/bundled-model.md says why one model for both scripts and what it scored.
#
# Reproducible: a fixed seed and thread count give the same weights from the same program on the same
# CPU kind (the portable kernels of a CPU without AVX2 and FMA round differently; AVX-512 and AVX2
# machines give the same bits). The script prints a digest of
# the weights and vocabulary (not of the whole file, whose metadata names the program version) and
# compares it with scripts/bundled-model.digest when that file exists; --record writes it.
# --candidate FILE writes the trained model to FILE and leaves the asset and the digest alone, so a
# retrained model can be evaluated (`sentiment eval --model FILE ...`) before it replaces the bundled one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
record=false
candidate=""
if [[ ${1:-} == --record ]]; then record=true; shift; fi
if [[ ${1:-} == --candidate ]]; then
    [[ -n ${2:-} ]] || { echo "make_bundled_model: --candidate needs a file" >&2; exit 64; }
    candidate=$2; shift 2
fi
shared=${1:-../shared}
data=$shared/data
for corpus in sst2 imdb cr chnsenticorp online_shopping; do
    [[ -f $data/$corpus/train.tsv ]] || { echo "make_bundled_model: $data/$corpus/train.tsv not found" >&2; exit 1; }
done

swift build -c release --product sentiment >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy, so that rebuilding during the hour of training leaves this run alone.
binary=$work/sentiment
cp "$(swift build -c release --show-bin-path)/sentiment" "$binary"

"$binary" train \
    "$data/sst2/train.tsv" "$data/imdb/train.tsv" "$data/cr/train.tsv" \
    "$data/chnsenticorp/train.tsv" "$data/online_shopping/train.tsv" \
    --valid-split 0.03 --seed 1 --threads 2 \
    --ngram-buckets 262144 --vector-vocabulary 10000 --precision f16 \
    --model "$work/general-model.safetensors"

# The digest covers the tensors (names, shapes, bytes) and the vocabulary, not the training record.
digest=$(python3 - "$work/general-model.safetensors" <<'EOF'
import hashlib, json, struct, sys
data = open(sys.argv[1], "rb").read()
length = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + length])
digest = hashlib.sha256()
for name in sorted(key for key in header if key != "__metadata__"):
    entry = header[name]
    start, end = entry["data_offsets"]
    digest.update(f"{name} {entry['dtype']} {entry['shape']}\n".encode())
    digest.update(data[8 + length + start:8 + length + end])
digest.update(header["__metadata__"]["vocab"].encode())
print(digest.hexdigest())
EOF
)
echo "make_bundled_model: weights and vocabulary sha256 $digest" >&2
if [[ -n $candidate ]]; then
    cp "$work/general-model.safetensors" "$candidate.tmp" && mv "$candidate.tmp" "$candidate"
    echo "make_bundled_model: candidate written to $candidate; the bundled asset and digest are unchanged" >&2
    exit 0
fi
if $record; then
    echo "$digest" > scripts/bundled-model.digest
elif [[ -f scripts/bundled-model.digest ]] && [[ $(cat scripts/bundled-model.digest) != "$digest" ]]; then
    echo "make_bundled_model: differs from scripts/bundled-model.digest ($(cat scripts/bundled-model.digest));" \
        "a different program or CPU kind; the asset is left as it was" >&2
    exit 1
fi
assets=Sources/CBundledAssets/assets
cp "$work/general-model.safetensors" "$assets/general-model.safetensors.tmp"
mv "$assets/general-model.safetensors.tmp" "$assets/general-model.safetensors"
echo "make_bundled_model: $assets/general-model.safetensors ($(($(stat -c %s "$assets/general-model.safetensors") / 1024)) KiB)" >&2
