#!/usr/bin/env bash
# The throughput tables of Docs/performance.md on one machine: `clipstream bench` over 1, 2, 4,
# ... cores workers for the configurations the throughput issue names, plus the key-order,
# kernel and million-key runs. JSON lines go to OUT_DIR/*.jsonl, the machine's description to
# OUT_DIR/machine.txt, and the human tables to stdout.
#
# Usage: Scripts/scaling.sh [BINARY] [OUT_DIR]
#   BINARY defaults to .build/release/clipstream; on a machine without Swift, use the bundle of
#   Scripts/build-static.sh (clipstream/bin/clipstream). OUT_DIR defaults to out/scaling.
#   QUICK=1 runs only the two headline configurations.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/clipstream}
out=${2:-out/scaling}
mkdir -p "$out"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cores: $(nproc)"; echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  lscpu 2>/dev/null | grep -E '^(Model name|Socket|Core|Thread|L2|L3|NUMA node\(s\))' || true
  grep MemTotal /proc/meminfo
  echo "env: OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS-unset} OMP_NUM_THREADS=${OMP_NUM_THREADS-unset} OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-unset}"
} > "$out/machine.txt"
cat "$out/machine.txt"

run() {  # name, bench arguments...
  local name=$1; shift
  echo; echo "== $name: bench $*"
  "$bin" bench "$@" --json > "$out/$name.jsonl"
  python3 - "$out/$name.jsonl" <<'PY' 2>/dev/null || cat "$out/$name.jsonl"
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    print("threads %3d  %8.3f M rows/s  %7.1f M elem/s  %6.2f GB/s of %6.2f (%.0f%%)  speedup %s"
          % (m["threads"], m["rows_per_second"] / 1e6, m["elements_per_second"] / 1e6,
             m["effective_gbps"], m["probe_gbps"], 100 * m["bandwidth_fraction"], m.get("speedup")))
PY
}

run d1024-k10000 --dim 1024 --keys 10000
run d64-k1000 --dim 64 --keys 1000
[[ ${QUICK:-0} == 1 ]] && exit 0
cores=$(nproc)
run d64-k10000 --dim 64 --keys 10000 --threads "1,$cores"
run d1024-k10000-random --dim 1024 --keys 10000 --order random --threads "$cores"
run d1024-k10000-blas --dim 1024 --keys 10000 --kernel blas --threads "1,$cores"
run d1024-k10000-raw --dim 1024 --keys 10000 --raw-scores --threads "1,$cores"
run d64-k1000000 --dim 64 --keys 1000000 --threads "$cores" --windows 5
