#!/usr/bin/env bash
# Installs what ClipStream needs, builds it in release mode and runs the demo on its built-in default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/bootstrap.sh
swift build -c release --product clipstream
.build/release/clipstream demo "$@"
