#!/usr/bin/env bash
# Where a training step's time goes: samples `perf record` over a `Fit` through the public API (MLNetGan.Bench fit,
# default settings) and over the PyTorch peer (bench/fit/gan_fit.py, its best float32 configuration from
# docs/benchmarks.md), and prints each side's time by kind of work (bench/profile/categorize.py).
# Usage: bash bench/profile/run.sh WORKLOAD [STEPS] [DATA_DIR]   (WORKLOAD: swissroll | mnist-mlp | dcgan | wgan-gp)
# Needs perf (apt-get install -y linux-perf) and python3-torch, libjemalloc2 for the peer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workload="${1:?usage: run.sh WORKLOAD [STEPS] [DATA_DIR]}"
steps="${2:-}"
data="${3:-$root/../shared/data/mnist}"
command -v perf >/dev/null || { echo "perf is missing: apt-get install -y linux-perf" >&2; exit 2; }
case "$workload" in
  swissroll) steps="${steps:-3000}"; peer_threads=1; peer_preload=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ;;
  mnist-mlp) steps="${steps:-3000}"; peer_threads=default; peer_preload= ;;
  dcgan) steps="${steps:-40}"; peer_threads=2; peer_preload= ;;
  wgan-gp) steps="${steps:-20}"; peer_threads=2; peer_preload= ;;
  *) echo "unknown workload '$workload' (swissroll, mnist-mlp, dcgan, wgan-gp)" >&2; exit 2 ;;
esac
out="$root/bench/results/profile"
mkdir -p "$out"
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
# As bench/run-fit.sh: OpenBLAS picks its own kernels on both sides.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
# Setup (library load, data, thread tuning) is left out by starting the samples after it: --delay in milliseconds.
delay=4000
# .NET writes /tmp/perf-PID.map so that JIT-compiled managed code has names; oneDNN's JIT kernels stay unnamed
# ("[anonymous JIT code]" below), and are oneDNN's: the shim and libtorch generate no other code at run time.
DOTNET_PerfMapEnabled=3 perf record -q -F 999 --delay=$delay -o "$out/$workload-mlnetgan.data" -- \
  dotnet "$root/bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll" fit "$workload" "$steps" "$data" >"$out/$workload-mlnetgan.json"
peer_env=()
[ -n "$peer_preload" ] && peer_env=(LD_PRELOAD="$peer_preload")
env "${peer_env[@]}" perf record -q -F 999 --delay=$delay -o "$out/$workload-pytorch.data" -- \
  /usr/bin/python3 "$root/bench/fit/gan_fit.py" "$workload" "$steps" "$data" "$peer_threads" >"$out/$workload-pytorch.json"
for side in mlnetgan pytorch; do
  perf report -i "$out/$workload-$side.data" --stdio --no-children --sort pid,dso,sym -t '|' 2>/dev/null >"$out/$workload-$side.txt"
done
/usr/bin/python3 "$root/bench/profile/categorize.py" "$workload" "$out/$workload-mlnetgan.txt" "$out/$workload-pytorch.txt" \
  "$out/$workload-mlnetgan.json" "$out/$workload-pytorch.json"
