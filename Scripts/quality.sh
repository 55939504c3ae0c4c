#!/usr/bin/env bash
# Re-runs the detection-quality tables: ClipStream at its defaults on SMD group 1, NAB and the
# hard case, and the streaming peers (Scripts/compare-peers.py), under the quality protocol;
# writes the tables into Docs/quality.md (between its quality.sh markers) and the peers' into
# Docs/peers-results.{md,json}.
#
#   bash Scripts/quality.sh              # everything (the peers take about 10 minutes)
#   bash Scripts/quality.sh --no-peers   # reuse Docs/peers-results.json
#
# Needs ../shared/data; the peers need .venv-peers (created here from
# Scripts/requirements-peers.txt when missing: PyPI access).
set -euo pipefail
cd "$(dirname "$0")/.."

peers=1
if [[ ${1:-} == --no-peers ]]; then peers=0; fi

swift build -c release >&2
bin=.build/release/clipstream
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

python3 Scripts/real-data-check.py smd --json "$reports/smd.json"
python3 Scripts/real-data-check.py nab --json "$reports/nab.json"
"$bin" generate -o "$reports/hard.csv"
"$bin" score "$reports/hard.csv" --label-column label --time-column t -o "$reports/hard.out.csv"
"$bin" evaluate "$reports/hard.out.csv" --json --per-key -o "$reports/hard.json"

if ((peers)); then
  if [[ ! -x .venv-peers/bin/python ]]; then
    python3 -m venv .venv-peers
    .venv-peers/bin/pip install -q -r Scripts/requirements-peers.txt
  fi
  .venv-peers/bin/python Scripts/compare-peers.py --set all --jobs "$(nproc)" \
    --json Docs/peers-results.json --markdown Docs/peers-results.md
fi
cp Docs/peers-results.json "$reports/peers.json"

alert_rate=$("$bin" score --help | tr -s ' \n' ' ' | sed -n 's/.*--alert-rate <alert-rate> [^()]*(default: \([0-9.e-]*\)).*/\1/p')
cat > "$reports/meta.json" <<JSON
{"commit": "$(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')",
 "date": "$(date -u +%Y-%m-%d)",
 "machine": "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)",
 "alert_rate": ${alert_rate:-0.001}}
JSON
python3 Scripts/quality-tables.py "$reports" Docs/quality.md
echo "quality.sh: tables written to Docs/quality.md" >&2
