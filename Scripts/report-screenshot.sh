#!/usr/bin/env bash
# Saves a PNG of an HTML report (`clipstream score|replay --report FILE.html`) as headless
# Chromium renders it: a check that the page draws without a network, and the picture for docs.
#
# Usage: Scripts/report-screenshot.sh REPORT.html OUT.png [WIDTH HEIGHT]
#   Needs Debian's `chromium` (installed here if missing). Without arguments: generates the
#   demo stream, replays it with --report, and writes Docs/report-demo.png.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  apt-get install -y -q chromium >/dev/null
fi
if [[ $# -eq 0 ]]; then
  bin=.build/release/clipstream
  [[ -x $bin ]] || swift build -c release
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$bin" generate --rows 20000 --keys 4 --dim 8 --seed 3 -o "$work/demo.csv"
  "$bin" replay "$work/demo.csv" -o "$work/scores.csv" --label-column label --time-column t \
    --explain 3 --report "$work/report.html" --report-keys 3 2>/dev/null
  set -- "$work/report.html" Docs/report-demo.png
fi
report=$(realpath "$1")
out=$2
width=${3:-1040}
height=${4:-1150}
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="$width,$height" --screenshot="$(realpath -m "$out")" "file://$report" 2>/dev/null
ls -l "$out"
