#!/usr/bin/env bash
# Measures the engine with the fused and the BLAS kernel path at several dimensions, three
# interleaved runs each (Docs/performance.md, "Kernel path"). Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
B=.build/release/clipstream
for d in 16 64 256 512 1024 4096; do
  keys=$(( 8000000 / (d * 8) )); (( keys > 1000 )) && keys=1000
  rows=$(( 20000000 / d )); (( rows > 400000 )) && rows=400000
  fused=(); blas=()
  for _ in 1 2 3; do
    fused+=("$($B bench --dim $d --keys $keys --shards 1 --rows $rows --windows 3 --buffer-mb 32 --kernel fused | sed -n 2p | awk '{print $2}')")
    blas+=("$($B bench --dim $d --keys $keys --shards 1 --rows $rows --windows 3 --buffer-mb 32 --kernel blas | sed -n 2p | awk '{print $2}')")
  done
  echo "d=$d keys=$keys fused(M rows/s) ${fused[*]} blas ${blas[*]}"
done
