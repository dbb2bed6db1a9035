#!/usr/bin/env bash
# Measures the OpenBLAS variants libtorch can use (pthread vs OpenMP) on the same benchmarks, in one
# run, by switching Debian's alternatives for libblas.so.3 and libopenblas.so.0 (needs root), then
# restores automatic selection. Usage: bench/compare-blas.sh [threads...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=("${@:-1 $(nproc)}")
[[ $(id -u) -eq 0 ]] || { echo "compare-blas.sh switches system alternatives and must run as root" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends libopenblas0-openmp libopenblas0-pthread >/dev/null
lib=/usr/lib/x86_64-linux-gnu
restore() { update-alternatives --auto libblas.so.3-x86_64-linux-gnu >/dev/null; update-alternatives --auto libopenblas.so.0-x86_64-linux-gnu >/dev/null; }
trap restore EXIT
for variant in openblas-pthread openblas-openmp; do
  update-alternatives --set libblas.so.3-x86_64-linux-gnu "$lib/$variant/libblas.so.3" >/dev/null
  update-alternatives --set libopenblas.so.0-x86_64-linux-gnu "$lib/$variant/libopenblas.so.0" >/dev/null
  echo "### $variant"
  for mode in blas mlp-step; do
    bash "$root/bench/run-micro.sh" "$mode" ${threads[@]} | sed -n '/^machine:/,$p'
  done
done
