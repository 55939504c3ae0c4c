#!/usr/bin/env bash
# Throughput of clipstream against the same algorithm in numpy (Scripts/compare-numpy.py), one
# thread each, raw scores (no calibration histogram), on identical parameters.
#
# Usage: Scripts/compare.sh [--dim D] [--keys K] [--rows R] [--windows W] [--buffer-mb MB]
#                           [--repeats N] [DxK[xR] ...]
#   Configurations: the positional DxK[xR] list (e.g. 1024x10000 64x10000x3200000), else the one
#   given by --dim/--keys (defaults 1024 and 10000 when only one is given), else the defaults
#   1024x10000 and 64x10000. Rows per window: xR, else --rows, else about 2e8 / D; always rounded
#   up to whole ticks (a multiple of K). Each repetition runs clipstream then numpy per
#   configuration (interleaved); the table shows the median over --repeats (default 1) runs,
#   each the median of --windows (default 5) windows.
# Environment: CLIPSTREAM (binary; default .build/release/clipstream, built with
#   `swift build -c release` when missing), PYTHON (default python3).
# The clipstream side runs `bench --threads 1 --raw-scores --json` and reads rows_per_second
# from the last JSON line; binaries without --json/--threads get `--shards 1` and their text
# output (`rows/s 0.326 M ...`) is parsed instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
dim="" keys="" rows="" windows=5 buffer_mb=256 repeats=1 configs=()
while (( $# )); do
  case "$1" in
    --dim) dim=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --windows) windows=$2; shift 2 ;;
    --buffer-mb) buffer_mb=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    [0-9]*x[0-9]*) configs+=("$1"); shift ;;
    *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if (( ${#configs[@]} == 0 )); then
  if [[ -n $dim || -n $keys ]]; then
    configs=("${dim:-1024}x${keys:-10000}")
  else
    configs=(1024x10000 64x10000)
  fi
fi

BIN=${CLIPSTREAM:-.build/release/clipstream}
if [[ ! -x $BIN ]]; then
  if [[ -n ${CLIPSTREAM:-} ]]; then echo "compare.sh: CLIPSTREAM=$BIN is not executable" >&2; exit 1; fi
  echo "compare.sh: building $BIN (swift build -c release)" >&2
  swift build -c release >&2
fi

bench_help=$("$BIN" bench --help 2>&1 || true)
json=0; grep -q -- '--json' <<<"$bench_help" && json=1
threads=(--shards 1); grep -q -- '--threads' <<<"$bench_help" && threads=(--threads 1)

# rows/s of the last JSON object on stdin.
last_json_rate() {
  "$PYTHON" -c 'import json, sys
lines = [l for l in sys.stdin.read().splitlines() if l.lstrip().startswith("{")]
print(json.loads(lines[-1])["rows_per_second"])'
}

clipstream_rate() {  # D K R
  local args=(bench --dim "$1" --keys "$2" --rows "$3" --windows "$windows" --buffer-mb "$buffer_mb"
              "${threads[@]}" --raw-scores)
  if (( json )); then
    "$BIN" "${args[@]}" --json | last_json_rate
  else
    # Old text form: "rows/s 0.326 M (...)"; or a table row "1   0.326 M (...)" for one thread.
    "$BIN" "${args[@]}" | awk '$1 == "rows/s" && $3 == "M" { r = $2 * 1e6 }
      $1 == "1" && $3 == "M" { r = $2 * 1e6 } END { if (r == "") exit 1; printf "%.1f\n", r }'
  fi
}

numpy_rate() {  # D K R
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "$PYTHON" Scripts/compare-numpy.py --dim "$1" --keys "$2" --rows "$3" --windows "$windows" \
      --buffer-mb "$buffer_mb" --json | last_json_rate
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "clipstream: $BIN (bench $( ((json)) && echo "--json" || echo "text output"), ${threads[*]}, --raw-scores);" \
  "numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)'); windows=$windows buffer=${buffer_mb} MB" >&2
for (( rep = 1; rep <= repeats; rep++ )); do
  for config in "${configs[@]}"; do
    IFS=x read -r d k r <<<"$config"
    r=${r:-${rows:-$(( 200000000 / d ))}}
    r=$(( (r + k - 1) / k * k ))
    c=$(clipstream_rate "$d" "$k" "$r")
    n=$(numpy_rate "$d" "$k" "$r")
    printf '  run %d: d=%s keys=%s rows=%s: clipstream %.0f rows/s, numpy %.0f rows/s\n' \
      "$rep" "$d" "$k" "$r" "$c" "$n" >&2
    echo "$d $k $r $c $n" >>"$results"
  done
done

"$PYTHON" - "$results" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    d, k, r, c, n = line.split()
    runs.setdefault((int(d), int(k), int(r)), []).append((float(c), float(n)))
print(f"{'dim':>6} {'keys':>7} {'rows/window':>11} {'clipstream rows/s':>18} {'numpy rows/s':>13} {'clipstream/numpy':>17}")
for (d, k, r), pairs in runs.items():
    c = statistics.median(p[0] for p in pairs)
    n = statistics.median(p[1] for p in pairs)
    print(f"{d:>6} {k:>7} {r:>11} {c / 1e6:>16.3f} M {n / 1e6:>11.3f} M {c / n:>16.2f}x")
EOF
