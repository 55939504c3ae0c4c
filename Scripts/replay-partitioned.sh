#!/usr/bin/env bash
# Replays INPUT as N key partitions run by GNU parallel (on this machine, or on remote hosts
# with -S), then merges the partitions' outputs by row number into OUTPUT: the same bytes as
# one `clipstream replay INPUT -o OUTPUT` with the same options.
#
#   Scripts/replay-partitioned.sh -n 4 INPUT OUTPUT [replay options...]
#   Scripts/replay-partitioned.sh -n 16 -S 8/host1,8/host2 --workdir /shared/run INPUT OUTPUT
#
# -n N        partitions (default: the core count)
# -j J        partitions running at once on each host (default: GNU parallel's, one per core)
# -S LOGINS   GNU parallel --sshlogin list; INPUT, the workdir and the clipstream binary must
#             be reachable under the same paths on every host (a shared filesystem)
# --workdir D where partition outputs, summaries and checkpoints go (default: OUTPUT.parts)
# --bin PATH  clipstream binary (default: .build/release/clipstream, else clipstream on PATH)
#
# Each partition writes D/part-I.csv and D/part-I.summary.json and, when the replay options
# include --checkpoint-every, checkpoints under D/ck-I (rerun the script with --resume among
# the replay options to continue after a failure). --save-state F and --report F become one
# file per partition, F with -partI before its extension. Needs GNU parallel (Debian: parallel).
set -euo pipefail

partitions=$(nproc)
jobs=""
logins=""
workdir=""
bin=""
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) partitions=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -S) logins=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) break ;;
  esac
done
if [[ $# -lt 2 ]]; then
  sed -n '2,19p' "$0" >&2
  exit 64
fi
if ! [[ $partitions =~ ^[1-9][0-9]*$ ]] || ((partitions > 4096)); then
  echo "replay-partitioned: -n must be a whole number from 1 to 4096, got '$partitions'" >&2
  exit 64
fi
input=$(realpath -- "$1")
output=$2
shift 2
# The merge is renamed onto what OUTPUT names: through a symbolic link, onto its target.
target=$(realpath -m -- "$output")
if [[ -d $target ]]; then
  echo "replay-partitioned: OUTPUT $output is a directory" >&2
  exit 64
fi
command -v parallel >/dev/null || { echo "replay-partitioned: GNU parallel is missing (apt install parallel)" >&2; exit 69; }
if [[ -z $bin ]]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [[ -x $here/.build/release/clipstream ]]; then bin=$here/.build/release/clipstream; else bin=$(command -v clipstream || true); fi
fi
if [[ -z $bin ]]; then
  echo "replay-partitioned: no clipstream binary (build it, put it on PATH or pass --bin PATH)" >&2
  exit 69
elif [[ ! -x $bin ]]; then
  echo "replay-partitioned: $bin is not an executable clipstream binary" >&2
  exit 69
fi
workdir=$(realpath -m -- "${workdir:-$output.parts}")
mkdir -p "$workdir"

checkpoint=()
for option in "$@"; do
  if [[ $option == --checkpoint-every || $option == --checkpoint-every=* ]]; then checkpoint=(--checkpoint "$workdir/ck-{}"); fi
done
# A file the replay options name for --save-state or --report gets one per partition, its
# index before the extension (model.state -> model-part3.state): every partition writing the
# same path left only the last one's.
per_partition() {
  local name=${1##*/}
  if [[ $name == ?*.* ]]; then echo "${1%.*}-part{}.${1##*.}"; else echo "$1-part{}"; fi
}
options=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --save-state | --report)
      [[ $# -ge 2 ]] || { echo "replay-partitioned: $1 needs a file" >&2; exit 64; }
      options+=("$1" "$(per_partition "$2")"); shift 2 ;;
    --save-state=* | --report=*) options+=("${1%%=*}" "$(per_partition "${1#*=}")"); shift ;;
    *) options+=("$1"); shift ;;
  esac
done
set -- ${options[@]+"${options[@]}"}
remote=()
if [[ -n $logins ]]; then remote=(-S "$logins" --workdir "$workdir"); fi
# -q: each argument reaches replay as one word (paths and values with spaces or `;`).
parallel -q ${jobs:+-j "$jobs"} "${remote[@]}" --will-cite --halt now,fail=1 --line-buffer --tagstring 'partition {}' \
  "$bin" replay "$input" -o "$workdir/part-{}.csv" --partition "{}/$partitions" \
  --summary "$workdir/part-{}.summary.json" "${checkpoint[@]}" --quiet "$@" \
  ::: $(seq 0 $((partitions - 1)))

# Every part starts with the same header and lists its rows in increasing row number; the
# row number is the first field and never quoted, so a numeric merge on it restores the order.
# Unless a quoted key, label or time field holds a line break: a merge by lines would split
# its row, so the parts are left for a CSV-aware merge instead (a quote opened on one line and
# closed on another gives a line with an odd count of quotes).
if grep -q '"' "$workdir"/part-*.csv \
  && awk '{ odd = (odd + gsub(/"/, "&")) % 2 } odd { found = 1; exit } END { exit !found }' "$workdir"/part-*.csv; then
  echo "replay-partitioned: a key, label or time field holds a line break; the parts in $workdir are complete but cannot be merged line by line" >&2
  exit 65
fi
# Merged beside OUTPUT and renamed over it: a merge that fails leaves an existing OUTPUT whole.
merged="$target.merging.$$"
trap 'rm -f "$merged"' EXIT
{
  head -n 1 "$workdir/part-0.csv"
  rows=()
  for ((i = 0; i < partitions; i++)); do
    tail -n +2 "$workdir/part-$i.csv" > "$workdir/rows-$i.csv"
    rows+=("$workdir/rows-$i.csv")
  done
  LC_ALL=C sort -m -t, -k1,1n "${rows[@]}"
} > "$merged"
mv -fT -- "$merged" "$target"
rm -f "$workdir"/rows-*.csv
echo "replay-partitioned: $partitions partitions merged into $output (parts in $workdir)" >&2
