#!/usr/bin/env bash
# Installs what the tests need (system packages) and runs the whole test suite.
# Tests read ../shared/data where it exists; none of them needs it to pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/bootstrap.sh
swift build --build-tests
swift test --skip-build
