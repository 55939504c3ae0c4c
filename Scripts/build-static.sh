#!/usr/bin/env bash
# Builds a self-contained clipstream for a Linux x86-64 machine that has no Swift toolchain and
# none of our packages (the lent 16-core machine, a Slurm node): the Swift runtime and Foundation
# are linked statically (--static-swift-stdlib); the shared libraries that are not part of glibc
# (OpenBLAS, libgfortran, libquadmath, zlib, libstdc++, libgcc_s) travel in lib/ next to the
# binary, found through its RPATH ($ORIGIN/../lib), so no LD_LIBRARY_PATH is needed.
#
# Usage: Scripts/build-static.sh [OUT_DIR] [-- extra swift build arguments]
#   OUT_DIR defaults to out/static; the result is OUT_DIR/clipstream.tar.gz (bin/ and lib/).
#   Run it on the target with: tar xzf clipstream.tar.gz && ./clipstream/bin/clipstream bench
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/static}
[[ $# -gt 0 ]] && shift
[[ ${1:-} == "--" ]] && shift
command -v patchelf >/dev/null || apt-get install -y -q patchelf >/dev/null

swift build -c release --static-swift-stdlib --scratch-path .build-static "$@"
binary=.build-static/release/clipstream
rm -rf "$out/clipstream" && mkdir -p "$out/clipstream/bin" "$out/clipstream/lib"
cp "$binary" "$out/clipstream/bin/clipstream"
strip "$out/clipstream/bin/clipstream"
# Every resolved shared library outside glibc's own set, copied with its soname.
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r soname path; do
  case "$soname" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*) ;;
    *) cp -L "$path" "$out/clipstream/lib/$soname" ;;
  esac
done
patchelf --set-rpath '$ORIGIN/../lib' "$out/clipstream/bin/clipstream"
for lib in "$out"/clipstream/lib/*; do patchelf --set-rpath '$ORIGIN' "$lib"; done
tar -C "$out" -czf "$out/clipstream.tar.gz" clipstream
ls -l "$out/clipstream.tar.gz"
echo "bundled: $(ls "$out/clipstream/lib" | tr '\n' ' ')"
