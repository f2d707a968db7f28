#!/usr/bin/env bash
# The developer UI's graph at size, against the release binary: 100 picos drawn within
# 300 ms of the page's start, then 1,000 picos drawn and a pico opened within 1 s.
# Needs node, chromium and `npm ci --prefix krl-cli/tests/browser` (as .ci/run installs).
#
#   cargo build --release -p krl-cli && bash bench/ui_graph.sh [target/release/krl] [1000]
set -euo pipefail
cd "$(dirname "$0")/.."
krl="${1:-target/release/krl}"
big="${2:-1000}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$krl" run --home "$work/home" --port 0 >"$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'admin URL' "$work/run.log" && break; sleep 0.1; done
admin="$(grep -o 'http://[^ ]*?token=[0-9a-f]*' "$work/run.log" | head -1)"
KRL_ADMIN_URL="$admin" KRL_TOKEN="${admin##*token=}" CHROMIUM="${CHROMIUM:-$(command -v chromium)}" \
  PROFILE_DIR="$work/profile" PICOS_BIG="$big" GRAPH_LIMIT_MS="${GRAPH_LIMIT_MS:-300}" RESPOND_LIMIT_MS=1000 \
  node krl-cli/tests/browser/graph.mjs
