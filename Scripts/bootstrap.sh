#!/usr/bin/env bash
# Installs the system packages ClipStream builds against: OpenBLAS (CBLAS), zlib, pkg-config;
# and GNU parallel, which Scripts/replay-partitioned.sh (and its test) runs partitions with.
# Non-interactive, no arguments; quiet and fast when everything is already present.
set -euo pipefail

packages=(libopenblas-dev zlib1g-dev pkg-config parallel)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# SwiftPM only warns when a .pc file is missing; fail here with a clear message instead.
for pc in openblas zlib; do
  if ! pkg-config --exists "$pc"; then
    echo "bootstrap: pkg-config cannot find '$pc' after installation" >&2
    exit 1
  fi
done
