#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-OPTION...]
#
# TARGET is tokenizer, corpus, model-file or vocabulary (see Fuzz/Sources and RELIABILITY.md), or all for
# the four in turn (SECONDS each; exits 1 when any of them found something). The target
# is built with -sanitize=fuzzer,address from the separate package in Fuzz/ (so `swift build` and
# `swift test` never see it), then run for SECONDS from its committed seeds (Fuzz/seeds/TARGET) plus the
# inputs earlier runs found (Fuzz/.build/corpus/TARGET). A crash, a failed check, a hang (over 10 s for
# one input) or an allocation over 1 GB is a finding: the script exits 1 and names the reproducer;
# without one it prints the fuzzer's statistics and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# Swift's own crash backtracer would race AddressSanitizer's report.
export SWIFT_BACKTRACE=enable=no

usage() {
    echo "usage: scripts/fuzz.sh tokenizer|corpus|model-file|vocabulary|all SECONDS [LIBFUZZER-OPTION...]" >&2
    exit 64
}
[[ $# -ge 2 ]] || usage
target=$1
seconds=$2
shift 2
if [[ $target == all ]]; then
    # Each target in turn for SECONDS (what CI runs after the tests); every one runs even after a finding.
    [[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 ]] || usage
    failed=()
    for each in tokenizer corpus model-file vocabulary; do
        "$0" "$each" "$seconds" "$@" || failed+=("$each")
    done
    if [[ ${#failed[@]} -gt 0 ]]; then
        echo "fuzz: findings in: ${failed[*]}" >&2
        exit 1
    fi
    echo "fuzz: all four targets ran $seconds s each without a finding" >&2
    exit 0
fi
case $target in
    tokenizer) product=FuzzTokenizer ;;
    corpus) product=FuzzCorpus ;;
    model-file) product=FuzzModelFile ;;
    vocabulary) product=FuzzVocabulary ;;
    *) usage ;;
esac
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 ]] || usage

echo "fuzz: building $product (release, -sanitize=fuzzer,address)" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! swift build -c release --package-path Fuzz --product "$product" \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -use-ld=lld \
    >"$build_log" 2>&1; then
    grep -v "Cannot export local symbol '__asan" "$build_log" >&2
    echo "fuzz: the build of $product failed" >&2
    exit 2
fi
binary=$(swift build -c release --package-path Fuzz --show-bin-path)/$product

corpus=Fuzz/.build/corpus/$target
findings=Fuzz/.build/findings/$target
mkdir -p "$corpus" "$findings"
log=$findings/last-run.log
echo "fuzz: running $target for $seconds s (log: $log)" >&2
status=0
# The first directory receives the inputs that add coverage; the seeds are only read.
"$binary" "$corpus" "Fuzz/seeds/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=3072 -malloc_limit_mb=1024 -artifact_prefix="$findings/" "$@" \
    >"$log" 2>&1 || status=$?

# libFuzzer's closing statistics (stat::…) and the last progress line.
grep -E '^(stat::|#[0-9]+ +(DONE|pulse))' "$log" | tail -12 >&2 || true
if [[ $status -ne 0 ]]; then
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*Fatal error|.*Precondition failed)' "$log" | head -5 >&2 || true
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz: $target FAILED (libFuzzer exit $status); reproducer: ${reproducer:-none written, see $log}" >&2
    echo "fuzz: replay with $binary ${reproducer:-FILE}" >&2
    exit 1
fi
echo "fuzz: $target: no crash (libFuzzer statistics above)" >&2
