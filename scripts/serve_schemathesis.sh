#!/usr/bin/env bash
# Runs schemathesis (property-based requests generated from docs/openapi.yaml, every check) against
# `sentiment serve` on a free port, with a small model trained on corpora/en.tsv, and reports how many
# requests the server answered (from its /metrics) and how many got a 5xx. Not part of CI: schemathesis
# lives in a venv outside the repository (scripts/serve_peer_setup.sh).
# usage: scripts/serve_schemathesis.sh [MAX_EXAMPLES]   (default 2000 per operation: about 4,000 requests)
# Environment: SCHEMATHESIS (default /work/venvs/schemathesis/bin/schemathesis), OUT (default a temp dir),
# SENTIMENT (a built binary to use instead of building one).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
schemathesis=${SCHEMATHESIS:-/work/venvs/schemathesis/bin/schemathesis}
[[ -x $schemathesis ]] || { echo "no $schemathesis: run scripts/serve_peer_setup.sh" >&2; exit 1; }
examples=${1:-2000}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
if [[ -z ${SENTIMENT:-} ]]; then
    swift build -c release --product sentiment >&2
fi
sentiment=${SENTIMENT:-$(swift build -c release --show-bin-path)/sentiment}
"$sentiment" train corpora/en.tsv --model "$out/model.safetensors" --embedding-dim 16 --hidden 16 --epochs 2 2> /dev/null
"$sentiment" serve --model "$out/model.safetensors" --port 0 2> "$out/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 200); do grep -q 'port=' "$out/server.log" && break; sleep 0.05; done
port=$(grep -o 'port=[0-9]*' "$out/server.log" | head -1 | cut -d= -f2)
status=0
"$schemathesis" --config-file scripts/schemathesis.toml run docs/openapi.yaml --url "http://127.0.0.1:$port" \
    --checks all --max-examples "$examples" --workers 2 --continue-on-failure \
    --report junit --report-dir "$out/report" > "$out/schemathesis.txt" 2>&1 || status=$?
sed -n '/SUMMARY/,$p' "$out/schemathesis.txt"
curl -s "http://127.0.0.1:$port/metrics" | awk '
    /^sentiment_http_requests_total/ { total += $2; if ($1 ~ /status="5/) errors += $2 }
    END { printf "server: %d requests answered, %d with a 5xx\n", total, errors }'
kill -0 $server 2>/dev/null && echo "server: still running" || { echo "server: NOT running"; status=1; }
echo "full output: $out/schemathesis.txt; server log: $out/server.log" >&2
exit $status
