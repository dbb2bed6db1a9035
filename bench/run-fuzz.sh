#!/usr/bin/env bash
# The long file-fuzz run: mutates every format MLNetGan reads (model zips of an MLP GAN and a DCGAN,
# safetensors, IDX images plain and gzipped, IDX labels, PNG, CSV) and reads each case through the public
# API. A finding is an undocumented exception, a case slower than 30 s, more managed memory or peak
# resident growth than the file justifies (4x the valid file's cost + 64 bytes per file byte + slack),
# or a file left behind. Failing inputs go to bench/results/fuzz-findings/ (replay one with
# `MLNetGan.Bench fuzz-replay TARGET FILE`). Usage: bench/run-fuzz.sh [CASES] [SEEDS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases="${1:-10000}"
shift || true
seeds=("${@:-1}")
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
cd "$root"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
status=0
for seed in "${seeds[@]}"; do
  dotnet bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll fuzz "$cases" "$seed" bench/results/fuzz-findings || status=1
done
exit $status
