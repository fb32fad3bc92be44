#!/usr/bin/env bash
# Load, latency, overload, soak, drain and reload runs of `sentiment serve`, and the same load against the
# FastAPI + PyTorch peer (scripts/serve_peer.py). Not part of CI: run it on a quiet machine. The server
# (and the peer) are pinned to SERVER_CPUS, the load generators to LOAD_CPUS, with taskset. Results go to
# OUT (one file per run) and a summary to standard output.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/serve_bench.sh [MODE...]

Modes (default: all but soak):
  parity    the first 800 texts as one request and as 800 requests against `sentiment score`
  closed    wrk (closed loop) at 1, 16 and 64 connections, 1-text and 64-text requests, for each
            MAX_DELAYS value; `sentiment score` lines/s on the same cores for comparison; /metrics'
            request count against wrk's
  open      openloop (open loop, latency from each request's due time) at 50 % and 80 % of MAX_RATE
  overload  openloop at 150 % of MAX_RATE for 30 s: latency of 2xx and of 503, RSS before and after
  bodies    a 3 MB body and a 100 MB Content-Length on every route: status and RSS before and after
  drain     SIGTERM at 50 % load: /readyz during the drain, exit status, time to exit, failed requests
  reload    SIGHUP every second under 50 % load: the load's non-2xx answers (there should be none)
  soak      SOAK_SECONDS at 80 % of MAX_RATE, RSS every 10 s (growth should stay under 5 %)
  peer      the peer's probabilities against ours (scripts/serve_peer_check.py), then closed and
            open at 50/80 % of the peer's own maximum against it
  all       parity closed open overload bodies drain reload peer

Environment:
  MODEL         model file (default: trained on SST-2's training set into OUT with the defaults)
  TEXTS         texts, one per line (default: the text column of the shared folder's sst2/test.tsv)
  SERVER_CPUS   cores of the server and of the peer (default 0)
  LOAD_CPUS     cores of wrk and serve-load (default 1)
  CONNECTIONS   most connections serve-load opens (default 2048: enough that the client never queues
                a due request behind a busy connection, so overload reaches the server)
  THREADS       server --threads and the peer's torch threads (default: the count of SERVER_CPUS)
  DURATION      seconds per closed or open run (default 30)
  SOAK_SECONDS  (default 600)
  MAX_RATE      requests/s taken as the maximum for single-text open-loop runs (default: wrk's
                single-text rate at 64 connections from the closed mode of this run)
  MAX_DELAYS    --max-delay values (ms) for the closed runs (default "0 1")
  PEER_PYTHON   Python with the peer's packages (default /work/venvs/serve-peer/bin/python)
  BIN           folder with built sentiment and serve-load binaries (default: build them)
  OUT           results folder (default bench-serve-DATE)
  SMOKE=1       every run a few seconds long, to check the script itself (figures mean nothing)
EOF
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }

cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH=/opt/swift/usr/bin:$PATH
server_cpus=${SERVER_CPUS:-0}
load_cpus=${LOAD_CPUS:-1}
open_connections=${CONNECTIONS:-2048}
threads=${THREADS:-$(taskset -c "$server_cpus" nproc)}
duration=${DURATION:-30}
soak_seconds=${SOAK_SECONDS:-600}
overload_seconds=30
max_delays=${MAX_DELAYS:-0 1}
peer_python=${PEER_PYTHON:-/work/venvs/serve-peer/bin/python}
out=${OUT:-bench-serve-$(date +%Y%m%d-%H%M%S)}
if [[ ${SMOKE:-0} == 1 ]]; then
    duration=2; soak_seconds=6; overload_seconds=3
fi
modes=("$@")
[[ ${#modes[@]} -eq 0 ]] && modes=(parity closed open overload bodies drain reload peer)
[[ " ${modes[*]} " == *" all "* ]] && modes=(parity closed open overload bodies drain reload peer)
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in wrk taskset curl python3 awk cc; do
    command -v "$tool" >/dev/null || { echo "serve_bench: $tool is missing (wrk: apt-get install wrk)" >&2; exit 1; }
done

if [[ -z ${BIN:-} ]]; then
    echo "building release binaries" >&2
    swift build -c release --product sentiment >&2
    swift build -c release --product serve-load >&2
fi
bin=${BIN:-$(swift build -c release --show-bin-path)}
sentiment=$bin/sentiment
serve_load=$bin/serve-load
openloop=$out/openloop
cc -O2 -o "$openloop" scripts/openloop/openloop.c

shared=${SENTIMENT_SHARED:-$repo/../shared}
texts=${TEXTS:-$out/texts.txt}
if [[ -z ${TEXTS:-} ]]; then
    [[ -f $shared/data/sst2/test.tsv ]] || { echo "serve_bench: no TEXTS and no $shared/data/sst2/test.tsv" >&2; exit 1; }
    tail -n +2 "$shared/data/sst2/test.tsv" | cut -f2 > "$texts"
fi
model=${MODEL:-$out/sst2.safetensors}
if [[ ! -f $model ]]; then
    echo "training $model on SST-2 (defaults)" >&2
    "$sentiment" train "$shared/data/sst2/train.tsv" --model "$model" >&2
fi

# MARK: helpers

server_pid=""
port=""
# Starts `sentiment serve` pinned to the server cores with the extra options given; sets server_pid, port.
start_server() {
    local log=$out/server-$1.log
    shift
    taskset -c "$server_cpus" "$sentiment" serve --model "$model" --port 0 --threads "$threads" "$@" 2> "$log" &
    server_pid=$!
    for _ in $(seq 200); do
        port=$(grep -o 'port=[0-9]*' "$log" | head -1 | cut -d= -f2 || true)
        [[ -n $port ]] && grep -q "model loaded" "$log" && return 0
        sleep 0.05
    done
    echo "serve_bench: the server did not start, see $log" >&2
    exit 1
}

stop_server() {
    [[ -n $server_pid ]] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    return $status
}
trap 'stop_server || true; [[ -n ${peer_pid:-} ]] && kill "$peer_pid" 2>/dev/null || true' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# wrk against PORT: connections, texts per request, output file.
run_wrk() {
    local url=$1 connections=$2 per_request=$3 file=$4
    BENCH_TEXTS=$texts BENCH_PER_REQUEST=$per_request taskset -c "$load_cpus" \
        wrk -t1 -c "$connections" -d "${duration}s" --latency -s "$repo/scripts/serve_bench.lua" "$url" > "$file" 2>&1
    grep -E "^requests|^latency|Non-2xx" "$file" | sed "s|^|  $(basename "$file" .txt): |"
}

wrk_rate() { awk '/^requests/ {sub(/\/s;$/, "", $6); print $6}' "$1"; }

# openloop (scripts/openloop/openloop.c) against PORT's /v1/score: rate, seconds, output file. One schedule
# for all connections and up to 4,096 of them, so it offers 150 % of the server's rate on one core where
# serve-load cannot; latency of admitted and of refused answers apart, and its own send lag.
run_openloop() {
    local rate=$1 seconds=$2 file=$3
    taskset -c "$load_cpus" "$openloop" --port "$port" --rate "$rate" --duration "$seconds" --warmup 5 \
        --connections 4096 --texts "$texts" > "$file"
    sed "s|^|  $(basename "$file" .txt): |" "$file"
}

run_open() {
    local url=$1 rate=$2 seconds=$3 per_request=$4 file=$5
    taskset -c "$load_cpus" "$serve_load" --url "$url" --rate "$rate" --duration "$seconds" \
        --texts "$texts" --texts-per-request "$per_request" --connections "$open_connections" > "$file"
    sed "s|^|  $(basename "$file" .txt): |" "$file"
}

metrics_total() {
    curl -s "http://127.0.0.1:$port/metrics" |
        awk '/^sentiment_http_requests_total\{route="\/v1\/score"/ {sum += $2} END {print sum + 0}'
}

echo "results in $out; server cores $server_cpus, load cores $load_cpus, threads $threads, $(nproc) cores" >&2
{
    echo "date $(date -u +%FT%TZ)"; echo "commit $(git rev-parse --short HEAD)"; echo "model $model"
    echo "texts $texts ($(wc -l < "$texts") lines)"; lscpu | grep -E "Model name|^CPU\(s\)"
} > "$out/environment.txt"

max_rate=${MAX_RATE:-}

for mode in "${modes[@]}"; do
    echo "== $mode"
    case $mode in
    parity)
        head -n 800 "$texts" > "$out/parity-texts.txt"
        taskset -c "$server_cpus" "$sentiment" score --model "$model" "$out/parity-texts.txt" | cut -f1 > "$out/parity-cli.txt"
        start_server parity
        python3 - "$port" "$out" <<'PY'
import concurrent.futures, json, re, sys, urllib.request
port, out = sys.argv[1], sys.argv[2]
texts = [l.rstrip("\n") for l in open(f"{out}/parity-texts.txt", encoding="utf-8")]
cli = [l.strip() for l in open(f"{out}/parity-cli.txt")]
def post(batch):
    r = urllib.request.Request(f"http://127.0.0.1:{port}/v1/score", data=json.dumps({"texts": batch}).encode(),
                               headers={"Content-Type": "application/json"})
    return re.findall(r'"probability":([^,]+),', urllib.request.urlopen(r).read().decode())
one = post(texts)
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    single = [p[0] for p in pool.map(lambda t: post([t]), texts)]
for name, got in (("one request", one), ("800 requests", single)):
    same = sum(a == b for a, b in zip(got, cli))
    print(f"  {name}: {same} of {len(cli)} probabilities byte-for-byte the CLI's")
PY
        stop_server
        ;;
    closed)
        # `sentiment score` on the same cores: lines/s.
        start=$(date +%s.%N)
        taskset -c "$server_cpus" "$sentiment" score --model "$model" --threads "$threads" "$texts" > /dev/null
        end=$(date +%s.%N)
        awk -v lines="$(wc -l < "$texts")" -v s="$start" -v e="$end" 'BEGIN {
            printf "  sentiment score: %d lines in %.3f s: %.0f lines/s (process start and model load included)\n", lines, e - s, lines / (e - s) }'
        for delay in $max_delays; do
            start_server "closed-delay$delay" --max-delay "$delay"
            before=$(metrics_total)
            sent=0
            for per in 1 64; do
                for c in 1 16 64; do
                    file=$out/closed-delay$delay-texts$per-c$c.txt
                    run_wrk "http://127.0.0.1:$port" "$c" "$per" "$file"
                    sent=$((sent + $(awk '/^requests/ {print $2}' "$file")))
                done
            done
            after=$(metrics_total)
            echo "  /metrics counted $((after - before)) /v1/score requests, wrk completed $sent (wrk stops with some in flight)"
            stop_server
        done
        first_delay=${max_delays%% *}
        [[ -z $max_rate ]] && max_rate=$(wrk_rate "$out/closed-delay$first_delay-texts1-c64.txt")
        echo "  maximum single-text rate (wrk, 64 connections): $max_rate/s"
        ;;
    open | overload | soak | drain | reload)
        if [[ -z $max_rate ]]; then
            echo "serve_bench: $mode needs MAX_RATE or the closed mode first" >&2; exit 1
        fi
        rate() { python3 -c "print(round($max_rate * $1))"; }
        case $mode in
        open)
            # A fresh server for each load, so one run's backlog does not reach the next.
            for share in 0.5 0.8; do
                start_server "open-$share"
                run_openloop "$(rate $share)" "$duration" "$out/open-$share.txt"
                stop_server
            done
            ;;
        overload)
            start_server overload
            before=$(rss_kb "$server_pid")
            run_openloop "$(rate 1.5)" "$overload_seconds" "$out/overload.txt"
            echo "  RSS before $before kB, after $(rss_kb "$server_pid") kB, peak $(hwm_kb "$server_pid") kB"
            stop_server
            ;;
        soak)
            start_server soak
            run_open "http://127.0.0.1:$port/v1/score" "$(rate 0.8)" 10 1 "$out/soak-warmup.txt" > /dev/null
            (while kill -0 "$server_pid" 2>/dev/null; do echo "$(date +%s) $(rss_kb "$server_pid")"; sleep 10; done) > "$out/soak-rss.txt" &
            sampler=$!
            run_open "http://127.0.0.1:$port/v1/score" "$(rate 0.8)" "$soak_seconds" 1 "$out/soak.txt"
            kill "$sampler" 2>/dev/null || true
            awk 'NR == 1 {first = $2} {last = $2} END {printf "  RSS %d kB -> %d kB (%+.1f %%)\n", first, last, 100 * (last - first) / first}' "$out/soak-rss.txt"
            stop_server
            ;;
        drain)
            # Debug logging: one line per answered request, to count them against the client's.
            start_server drain --drain-delay 2 --drain-timeout 10 --log-level debug
            # Printed when it ends, after the server's exit.
            run_open "http://127.0.0.1:$port/v1/score" "$(rate 0.5)" 8 1 "$out/drain.txt" &
            load=$!
            sleep 3
            kill -TERM "$server_pid"
            signalled=$(date +%s.%N)
            sleep 0.5
            echo "  /readyz during the drain: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")"
            status=0; wait "$server_pid" || status=$?
            exited=$(date +%s.%N); server_pid=""
            awk -v st="$status" -v s="$signalled" -v e="$exited" 'BEGIN { printf "  exit status %d, %.2f s after SIGTERM\n", st, e - s }'
            wait "$load" || true
            echo "  the server answered $(grep -c 'path=/v1/score' "$out/server-drain.log") /v1/score requests" \
                "($(grep 'path=/v1/score' "$out/server-drain.log" | grep -vc 'status=200') not 200);" \
                "the client received $(awk '/^(2xx|[0-9]+):/ {n += $2} END {print n + 0}' "$out/drain.txt") answers"
            echo "  (not-connected: due after the listener closed, never admitted)"
            ;;
        reload)
            start_server reload
            cp "$model" "$out/reload.safetensors"
            run_open "http://127.0.0.1:$port/v1/score" "$(rate 0.5)" "$duration" 1 "$out/reload.txt" &
            load=$!
            for _ in $(seq 5); do sleep 1; kill -HUP "$server_pid"; done
            wait "$load" || true
            echo "  reloads logged: $(grep -c 'model reloaded' "$out/server-reload.log")"
            stop_server
            ;;
        esac
        ;;
    bodies)
        start_server bodies
        head -c 3000000 /dev/zero | tr '\0' 'x' | sed 's/^/{"texts": ["/; s/$/"]}/' > "$out/3mb.json"
        before=$(rss_kb "$server_pid")
        for route in /v1/score /v1/explain /v1/reload /healthz /readyz /v1/model /metrics /openapi.yaml; do
            big=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$out/3mb.json" "http://127.0.0.1:$port$route")
            announced=$(python3 - "$port" "$route" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(f"POST {sys.argv[2]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n".encode())
s.settimeout(5)
print(s.recv(100).split(b" ")[1].decode())
PY
)
            echo "  $route: 3 MB body $big, 100 MB Content-Length $announced"
        done
        echo "  RSS before $before kB, after $(rss_kb "$server_pid") kB"
        stop_server
        ;;
    peer)
        [[ -x $peer_python ]] || { echo "serve_bench: no $peer_python (scripts/serve_peer_setup.sh)" >&2; exit 1; }
        peer_port=8090
        taskset -c "$server_cpus" "$peer_python" "$repo/scripts/serve_peer.py" "$model" --port "$peer_port" --threads "$threads" 2> "$out/peer.log" &
        peer_pid=$!
        for _ in $(seq 300); do curl -sf "http://127.0.0.1:$peer_port/healthz" > /dev/null && break; sleep 0.1; done
        start_server peer-check
        python3 "$repo/scripts/serve_peer_check.py" "$texts" "http://127.0.0.1:$port/v1/score" "http://127.0.0.1:$peer_port/v1/score" | sed 's/^/  peer vs ours: /' || true
        stop_server
        for per in 1 64; do
            for c in 1 16 64; do run_wrk "http://127.0.0.1:$peer_port" "$c" "$per" "$out/peer-closed-texts$per-c$c.txt"; done
        done
        peer_max=$(wrk_rate "$out/peer-closed-texts1-c64.txt")
        echo "  peer maximum single-text rate: $peer_max/s"
        for share in 0.5 0.8; do
            run_open "http://127.0.0.1:$peer_port/v1/score" "$(python3 -c "print(round($peer_max * $share))")" "$duration" 1 "$out/peer-open-$share.txt"
        done
        kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; peer_pid=""
        ;;
    *) echo "serve_bench: unknown mode $mode" >&2; usage >&2; exit 64 ;;
    esac
done
