#!/usr/bin/env bash
# The replay figures of Docs/performance.md on one machine: archive and CSV replay (and score
# of the archive) against the in-memory engine (`bench --copy-rows`, same shape, as many
# workers as cores), for the two shapes of the archive issue: 1M rows at d = 38 (8 keys, like
# SMD) and 200k rows at d = 1024 (50 keys). Wall seconds and peak RSS per run (best of RUNS),
# rows/s and MB/s of input; raw lines in OUT_DIR/replay.txt.
#
# Usage: Scripts/replay-bench.sh [BINARY] [OUT_DIR] [WORK_DIR]
#   BINARY defaults to .build/release/clipstream (the bundle of Scripts/build-static.sh on a
#   machine without Swift); WORK_DIR (default /tmp/replay-bench) holds about 3.5 GB of inputs.
#   ROWS_D38 / ROWS_D1024 override the row counts (a quick check), RUNS the repetitions (2).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/clipstream}")
out=${2:-out/replay}
work=${3:-/tmp/replay-bench}
runs=${RUNS:-2}
mkdir -p "$out" "$work"
cores=$(nproc)
log="$out/replay.txt"
: > "$log"

# Wall seconds and peak RSS (MB) of one command, best wall of $runs.
measure() {
  python3 - "$runs" "$@" <<'PY'
import resource, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    best = wall if best is None else min(best, wall)
print(f"{best:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}

columns=(--label-column label --time-column t)
echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" | tee -a "$log"
for shape in "${ROWS_D38:-1000000} 8 38" "${ROWS_D1024:-200000} 50 1024"; do
  read -r rows keys dim <<<"$shape"
  csv="$work/g$dim.csv"
  arch="$work/g$dim.arch"
  [[ -s $csv ]] || "$bin" generate --rows "$rows" --keys "$keys" --dim "$dim" --seed 1 -o "$csv"
  [[ -s $arch ]] || "$bin" convert "$csv" "$arch" "${columns[@]}"
  engine=$("$bin" bench --dim "$dim" --keys "$keys" --threads "$cores" --copy-rows --json | tail -1 \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows_per_second"])')
  echo "d=$dim rows=$rows keys=$keys engine(bench, $cores workers)=$engine rows/s" | tee -a "$log"
  for input in "$arch" "$csv"; do
    size=$(stat -c %s "$input")
    for command in replay score; do
      [[ $command == score && $input == "$csv" ]] && continue
      read -r wall rss < <(measure "$bin" "$command" "$input" -o "$work/out.csv" "${columns[@]}")
      python3 - "$dim" "$(basename "$input")" "$command" "$rows" "$size" "$wall" "$rss" "$engine" <<'PY' | tee -a "$log"
import sys
dim, name, command, rows, size, wall, rss, engine = sys.argv[1:]
rate = int(rows) / float(wall)
print(f"d={dim} {name} {command}: {wall} s, {rate/1e6:.3f} M rows/s, {int(size)/float(wall)/1e6:.0f} MB/s, "
      f"peak RSS {rss} MB, {100*rate/float(engine):.0f}% of the engine")
PY
    done
  done
done
