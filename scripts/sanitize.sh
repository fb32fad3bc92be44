#!/usr/bin/env bash
# The unit tests under AddressSanitizer and ThreadSanitizer: scripts/sanitize.sh [address] [thread]
# (both when none is named).
#
# Release builds (the numeric code is too slow in debug builds), each in its own scratch directory
# (.build-address, .build-thread) so the normal .build is untouched.
# - address: the whole suite but the peak-memory test (heap and stack overflows, use after free, and leaks at exit, less the
#   ones scripts/lsan-suppressions.txt names).
# - thread: the tests that run code on several threads at once: parallel tokenization, the
#   concurrent and parallel scorers, training's sharded batches and the signal handling.
# Exits non-zero when a sanitizer reports anything or a test fails; the log of each run is kept in
# .build-SANITIZER/sanitize.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# Swift's crash backtracer would race the sanitizer's own report.
export SWIFT_BACKTRACE=enable=no
# Leaks at exit that are Foundation's or XCTest's, not this package's (each explained in the file).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"

sanitizers=("$@")
[[ ${#sanitizers[@]} -gt 0 ]] || sanitizers=(address thread)
thread_filter='ParallelTokenizationTests|ConcurrentScorerTests|TextScorerTests|ModelTrainingTests|ClassifierTrainerTests|TrainingCancellationTests|InterruptionTests'

status=0
for sanitizer in "${sanitizers[@]}"; do
    case $sanitizer in
        # ASan keeps freed memory in quarantine, so peak memory measures ASan, not the program.
        address) filter=(--skip ScoringMemoryTests) ;;
        thread) filter=(--filter "$thread_filter") ;;
        *) echo "usage: scripts/sanitize.sh [address] [thread]" >&2; exit 64 ;;
    esac
    scratch=.build-$sanitizer
    mkdir -p "$scratch"
    log=$scratch/sanitize.log
    echo "sanitize: $sanitizer: building and testing${filter[*]:+ (${filter[*]})}; log in $log" >&2
    start=$SECONDS
    result=0
    swift test -c release -Xswiftc -enable-testing --sanitize="$sanitizer" --scratch-path "$scratch" \
        "${filter[@]}" >"$log" 2>&1 || result=$?
    reports=$(grep -cE '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread)Sanitizer)' "$log" || true)
    summary=$(grep -E '^(✔|✘) Test run with|Executed [0-9]+ tests' "$log" | tail -2 | tr '\n' ' ')
    echo "sanitize: $sanitizer: exit $result, $reports sanitizer reports, $((SECONDS - start)) s; $summary" >&2
    if [[ $result -ne 0 || $reports -ne 0 ]]; then
        grep -E '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY:|✘)' "$log" | head -20 >&2 || true
        status=1
    fi
done
exit $status
