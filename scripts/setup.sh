#!/usr/bin/env bash
# One idempotent setup path, used by both README commands and by CI:
#   1. Debian packages (libtorch, OpenBLAS, CMake, a C++ compiler) when missing;
#   2. the native shim and the .NET solution (the build compiles the shim through CMake).
# Env: CONFIGURATION (default Release); Torch_DIR to build the shim against another libtorch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${CONFIGURATION:-Release}"

# libgloo-dev: gloo's headers, which the shim's c10d process group (distributed training) compiles against.
# python3-pil: an independent PNG, JPEG and BMP reader the image tests check our codecs against.
# libturbojpeg0: libjpeg-turbo's TurboJPEG API, which MLImage binds to read and write JPEG.
# OpenBLAS, OpenMP variant: libtorch itself parallelizes with OpenMP, and beside it the pthread
# variant oversubscribes the cores (2 threads ran 2x slower); see docs/benchmarks.md.
# MLNETGAN_EXTRA_PACKAGES: more packages for one caller (scripts/test.sh adds chromium for the report test).
packages=(libtorch-dev libgloo-dev libopenblas0-openmp cmake g++ make python3-pil libturbojpeg0 ${MLNETGAN_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or install them first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# If another BLAS (e.g. OpenBLAS pthread, which Debian ranks higher) is selected, prefer the OpenMP one.
blas_dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [[ "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" != "$blas_dir/libblas.so.3" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: selecting OpenBLAS (OpenMP) as the system BLAS for libtorch"
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas_dir/libblas.so.3" >/dev/null
    update-alternatives --set libopenblas.so.0-x86_64-linux-gnu "$blas_dir/libopenblas.so.0" >/dev/null
  else
    echo "setup: note: libblas.so.3 is not OpenBLAS (OpenMP); training may be slower (see docs/benchmarks.md)" >&2
  fi
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK (dotnet) is required and was not found on PATH" >&2
  exit 1
fi

"$root/native/build.sh"
dotnet build "$root/MLNetGan.sln" -c "$configuration" -nologo -v quiet -clp:NoSummary
