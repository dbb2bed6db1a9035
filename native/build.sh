#!/usr/bin/env bash
# Configures (once) and builds the native shim. Incremental: cheap when nothing changed.
# Usage: native/build.sh [build-dir]    Env: Torch_DIR to use a different libtorch (e.g. CUDA).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/build}"
# A configure that failed (e.g. libtorch not installed yet) leaves a cache but no Makefile: configure again then.
if [[ ! -f "$build/Makefile" ]]; then
  args=(-S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release)
  if [[ -n "${Torch_DIR:-}" ]]; then args+=("-DTorch_DIR=$Torch_DIR"); fi
  cmake "${args[@]}" > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
fi
cmake --build "$build" --parallel "$(nproc)"
