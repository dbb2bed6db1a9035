#!/usr/bin/env bash
# One idempotent setup path, used by both README commands and by CI:
#   1. Debian packages (libtorch, OpenBLAS, CMake, a C++ compiler) when missing;
#   2. the native shim and the .NET solution (the build compiles the shim through CMake).
# Env: CONFIGURATION (default Release); Torch_DIR to build the shim against another libtorch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${CONFIGURATION:-Release}"

# OpenBLAS pthread variant: measured faster than the OpenMP one here (docs/benchmarks.md).
packages=(libtorch-dev libopenblas0-pthread cmake g++ make)
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

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK (dotnet) is required and was not found on PATH" >&2
  exit 1
fi

"$root/native/build.sh"
dotnet build "$root/MLNetGan.sln" -c "$configuration" -nologo -v quiet -clp:NoSummary
