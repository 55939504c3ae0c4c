#!/usr/bin/env bash
# Builds the libFuzzer targets of Tests/Fuzz (-sanitize=fuzzer,address, scratch path
# Tests/Fuzz/.build-fuzz) and runs one of them for SECONDS on a copy of its seed corpus.
#
#   bash Scripts/fuzz.sh FuzzCSV 600      # targets: FuzzCSV, FuzzGzip, FuzzState
#
# New inputs go to Tests/Fuzz/.work/TARGET (not committed); a crash, leak or sanitizer
# report stops the run and leaves the input as Tests/Fuzz/.work/TARGET-crash-*: add it to the
# tests (Tests/clipstreamTests/FuzzFindingsTests.swift) and to Corpus/TARGET once fixed.
set -euo pipefail
cd "$(dirname "$0")/../Tests/Fuzz"
target=${1:?usage: fuzz.sh TARGET SECONDS}
seconds=${2:-600}
swift build -c debug -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz --product "$target" >&2
mkdir -p ".work/$target"
cp -n "Corpus/$target"/* ".work/$target/" 2>/dev/null || true
".build-fuzz/debug/$target" ".work/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -artifact_prefix=".work/$target-crash-" -print_final_stats=1
