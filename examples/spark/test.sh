#!/usr/bin/env bash
# The Spark recipes tested in a real PySpark (local mode): examples/spark/test.sh [TEST-NAME...]
#
# Builds the self-contained binary (scripts/build_static.sh) and the ordinary release build, trains a
# model with the default options on corpora/en.tsv, then runs examples/spark/test_recipes.py: 20,000
# lines through each recipe on local[2], every probability checked against `sentiment score`'s. The
# Python is $SENTIMENT_SPARK_VENV/bin/python (default ~/.venvs/sentiment-spark), where .ci/run
# installs PySpark (examples/spark/requirements.txt); Spark needs Java 17 or later. Without either the
# test says so and skips, except under CI (CI=true), where it fails. The test runs with the network
# down and only loopback up (unshare -n) where it may (as root): Spark must need nothing outside.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "spark test: $*" >&2; }

venv=${SENTIMENT_SPARK_VENV:-$HOME/.venvs/sentiment-spark}
python=$venv/bin/python
missing=""
if ! java_version=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1) || [[ -z $java_version ]]; then
    missing="Java (apt-get install default-jre-headless)"
elif ((java_version < 17)); then
    missing="Java 17 or later (found $java_version)"
elif ! "$python" -c "import pyspark" 2>/dev/null; then
    missing="PySpark in $venv (python3 -m venv $venv && $venv/bin/pip install -r examples/spark/requirements.txt)"
fi
if [[ -n $missing ]]; then
    if [[ ${CI:-} == true ]]; then
        say "FAILED: needs $missing; .ci/run installs it"
        exit 1
    fi
    say "SKIPPED: needs $missing; .ci/run installs it"
    exit 0
fi

scripts/build_static.sh .build/static/sentiment
swift build -c release --product sentiment >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say "training the test model (default options: the wide channel included)"
.build/release/sentiment train corpora/en.tsv --model "$work/model.safetensors" >"$work/train.log" 2>&1 \
    || { cat "$work/train.log" >&2; exit 1; }

export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=localhost PYSPARK_PYTHON=$python
command=("$python" examples/spark/test_recipes.py --binary "$PWD/.build/static/sentiment"
    --reference "$PWD/.build/release/sentiment" --model "$work/model.safetensors" --work "$work" "$@")
if unshare -n true 2>/dev/null; then
    say "network: none but loopback (unshare -n)"
    unshare -n bash -c 'ip link set lo up && exec "$@"' bash "${command[@]}"
else
    say "network: as it is (unshare -n is not permitted here)"
    "${command[@]}"
fi
