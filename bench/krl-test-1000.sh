#!/usr/bin/env bash
# Times `krl test` on 1,000 small generated tests (issue #6: "under 5 seconds").
#
#   bench/krl-test-1000.sh            # builds the release binary first
#   KRL=path/to/krl bench/krl-test-1000.sh
#
# Each test gets a fresh engine, installs one ruleset, sends two events (checking the
# directives), queries the state and checks an entity variable: 10 files of 100 tests.
# Prints the wall time of three runs; the machine's load makes single runs noisy.
set -euo pipefail
cd "$(dirname "$0")/.."

KRL=${KRL:-}
if [[ -z "$KRL" ]]; then
  cargo build -q --release -p krl-cli
  KRL=target/release/krl
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cat > "$dir/counter.krl" <<'KRL'
ruleset bench.counter {
  meta {
    shares total
  }
  global {
    total = function() {
      ent:total.defaultsTo(0)
    }
  }
  rule add {
    select when counter add by re#(\d+)# setting(by)
    send_directive("added", {"by": by.as("Number")})
    always {
      ent:total := total() + by.as("Number")
    }
  }
}
KRL

for file in $(seq 1 10); do
  {
    echo 'rulesets = ["counter.krl"]'
    for n in $(seq 1 100); do
      cat <<TOML

[[test]]
name = "adds $file-$n"

[[test.step]]
event = "counter:add"
attrs = { by = "$n" }
directives = [{ name = "added", options = { by = $n } }]

[[test.step]]
event = "counter:add"
attrs = { by = "1" }

[[test.step]]
query = "total"
result = $((n + 1))
ent = { total = $((n + 1)) }
TOML
    done
  } > "$dir/bench$file.test.toml"
done

echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$KRL" test "$dir" > "$dir/out.txt"
  end=$(date +%s.%N)
  tail -n 1 "$dir/out.txt"
  echo "run $run: $(echo "$end - $start" | bc) s wall"
done
