#!/usr/bin/env bash
# Test of the self-contained binary (scripts/build_static.sh): builds it, then runs it where neither
# Swift nor the system's ICU can be loaded, with an empty environment (as Spark's RDD.pipe starts it),
# and checks that it tokenizes Chinese, Thai, emoji and GB18030 input and scores lines exactly as the
# ordinary release build does.
#
# Swift is put out of reach in a private mount namespace (unshare -m): an empty tmpfs over /opt/swift
# and /dev/null over the system's ICU libraries. The ordinary build must fail there (else the test
# proves nothing). Needs root for unshare; without it the script says so and skips, except under CI
# (CI=true), where a skip would hide a broken binary and fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

say() { echo "test_static_build: $*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

if ! unshare -m true 2>/dev/null; then
    if [[ ${CI:-} == true ]]; then fail "unshare -m is not permitted here (root is needed)"; fi
    say "SKIPPED: unshare -m is not permitted here (root is needed to hide /opt/swift)"
    exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
static=$scratch/sentiment
scripts/build_static.sh "$static"
swift build -c release --product sentiment >&2
dynamic=.build/release/sentiment

ldd "$static" >"$scratch/ldd" 2>&1 || true
if grep -q -E '/opt/swift|libicu|not found' "$scratch/ldd"; then fail "ldd $static: $(cat "$scratch/ldd")"; fi

# A model with the default options (the wide channel included), small enough to train in seconds.
"$dynamic" train corpora/en.tsv --model "$scratch/model.safetensors" --epochs 2 --pretrain-epochs 1 \
    --threads 2 2>"$scratch/train.log" || fail "training the test model: $(cat "$scratch/train.log")"

# Chinese, Thai, emoji and emoticons, an empty line and invalid UTF-8 (scored as U+FFFD).
printf '我喜欢这部电影，演员很棒\nหนังเรื่องนี้ดีมากครับ\ngreat film 😀👍🏽 :)\n\nbroken \xff\xfe bytes\n' >"$scratch/lines.txt"
# GB18030 bytes (好电影), decoded by ICU's converters, whose tables live in ICU's data.
printf '\xba\xc3\xb5\xe7\xd3\xb0\n' >"$scratch/gb18030.txt"

# The expected output, from the ordinary build outside the namespace.
run_all() {
    local binary=$1
    "$binary" tokenize "$scratch/lines.txt"
    "$binary" tokenize --encoding gb18030 "$scratch/gb18030.txt"
    "$binary" score --no-header -m "$scratch/model.safetensors" --threads 1 "$scratch/lines.txt"
    "$binary" score --no-header -m "$scratch/model.safetensors" --format jsonl --with-text \
        --encoding gb18030 "$scratch/gb18030.txt"
}
run_all "$dynamic" >"$scratch/expected" 2>/dev/null
grep -q '我 喜欢' "$scratch/expected" || fail "the ordinary build did not segment Chinese: $(head -1 "$scratch/expected")"
grep -q '好 电影' "$scratch/expected" || fail "the ordinary build did not decode GB18030"

icu_libraries=$(ls /usr/lib/*/libicu*.so* /lib/*/libicu*.so* 2>/dev/null | sort -u || true)
export -f run_all
export scratch static dynamic icu_libraries
unshare -m bash -c '
    set -euo pipefail
    mount -t tmpfs none /opt/swift
    for library in $icu_libraries; do [[ -f $library && ! -L $library ]] && mount --bind /dev/null "$library"; done
    # The ordinary build cannot start here: otherwise nothing would be hidden.
    if "$dynamic" --version >/dev/null 2>&1; then echo "the ordinary build still runs: Swift is not hidden" >&2; exit 2; fi
    env -i bash -c "$(declare -f run_all); scratch=$scratch run_all $static" >"$scratch/actual" 2>"$scratch/actual.err"
' || fail "the static binary in the namespace: $(cat "$scratch/actual.err" 2>/dev/null)"

if ! cmp -s "$scratch/expected" "$scratch/actual"; then
    diff "$scratch/expected" "$scratch/actual" >&2 || true
    fail "the static binary's output differs from the ordinary build's"
fi
say "$(wc -l <"$scratch/actual") output lines equal to the ordinary build's, with /opt/swift and the" \
    "system's ICU hidden and an empty environment; $(du -m "$static" | cut -f1) MiB"
