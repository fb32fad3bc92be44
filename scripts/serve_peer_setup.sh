#!/usr/bin/env bash
# Makes the Python environment of the serving peer (scripts/serve_peer.py) and of schemathesis, OUTSIDE
# the repository: VENV_ROOT/serve-peer (torch, fastapi, uvicorn, numpy, PyICU) and
# VENV_ROOT/schemathesis. Neither is a dependency of the Swift build or of CI.
# usage: scripts/serve_peer_setup.sh [VENV_ROOT]   (default /work/venvs)
set -euo pipefail
root=${1:-/work/venvs}
mkdir -p "$root"
if [[ ! -x $root/serve-peer/bin/python ]]; then python3 -m venv "$root/serve-peer"; fi
"$root/serve-peer/bin/pip" install -q torch fastapi uvicorn numpy
# PyICU compiles against the system ICU (libicu-dev, which the project needs anyway); without it the
# peer falls back to a regular-expression tokenizer.
"$root/serve-peer/bin/pip" install -q PyICU || echo "PyICU did not install: the peer will tokenize by regex" >&2
if [[ ! -x $root/schemathesis/bin/python ]]; then python3 -m venv "$root/schemathesis"; fi
"$root/schemathesis/bin/pip" install -q schemathesis
echo "ready: $root/serve-peer/bin/python, $root/schemathesis/bin/schemathesis" >&2
