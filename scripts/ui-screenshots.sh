#!/usr/bin/env bash
# Regenerates the README's screenshots of the developer UI (docs/images/ui-*.png): walks the
# browser test's tutorial path (krl-cli/tests/browser/tutorial.mjs) against a fresh
# `krl run` and saves the page at each tab, then shrinks the PNGs with pngquant if present.
# Needs node, chromium and `npm ci --prefix krl-cli/tests/browser`.
#
#   bash scripts/ui-screenshots.sh [path/to/krl]
set -euo pipefail
cd "$(dirname "$0")/.."
krl="${1:-}"
if [ -z "$krl" ]; then
  cargo build -q -p krl-cli
  krl=target/debug/krl
fi
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home/rulesets"
cp krl-cli/tests/browser/hello.krl krl-cli/tests/browser/broken.krl "$work/home/rulesets/"
"$krl" run --home "$work/home" --port 0 >"$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'admin URL' "$work/run.log" && break; sleep 0.1; done
admin="$(grep -o 'http://[^ ]*?token=[0-9a-f]*' "$work/run.log" | head -1)"
KRL_ADMIN_URL="$admin" KRL_TOKEN="${admin##*token=}" CHROMIUM="${CHROMIUM:-$(command -v chromium)}" \
  PROFILE_DIR="$work/profile" SCREENSHOT_DIR="$PWD/docs/images" \
  RULESET_URL="file://$work/home/rulesets/hello.krl" BROKEN_URL="file://$work/home/rulesets/broken.krl" \
  node krl-cli/tests/browser/tutorial.mjs
if command -v pngquant >/dev/null; then
  pngquant --force --skip-if-larger --ext .png --quality 60-90 docs/images/ui-*.png || true
fi
ls -l docs/images/ui-*.png
