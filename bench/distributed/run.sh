#!/usr/bin/env bash
# Data-parallel scaling on this machine: `ml.Gan().Trainers.*.Fit` (bench/MLNetGan.Bench fit) launched as 1, 2
# and 4 ranks with the torchrun-style environment, per-rank batch fixed (each rank trains on its own share of a
# global batch that grows with the ranks, as DistributedDataParallel does). Each configuration runs at two
# lengths; rates are (long - short) / (long - short seconds), so setup and rendezvous are separated out.
# Usage: bash bench/distributed/run.sh [DATA_DIR] [RANKS...]   (default ../shared/data/mnist, 1 2 4; ROUNDS=3: medians)
# Writes bench/results/distributed.json and prints the table docs/distributed.md quotes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data/mnist}"
shift || true
[[ $# -gt 0 ]] && ranks=("$@") || ranks=(1 2 4)
cd "$root"
dotnet build bench/MLNetGan.Bench -c Release -nologo -v q -clp:NoSummary >/dev/null
bench=bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll
mkdir -p bench/results
out=bench/results/distributed.jsonl
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)" >&2
: > "$out"
# workload short long (generator steps)
workloads=("swissroll 200 800" "mnist-mlp 200 800" "dcgan 4 16")
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
for round in $(seq "${ROUNDS:-3}"); do
for spec in "${workloads[@]}"; do
  read -r workload short long <<<"$spec"
  for n in "${ranks[@]}"; do
    for steps in "$short" "$long"; do
      port=$((20000 + RANDOM % 20000))
      pids=()
      for ((r = n - 1; r >= 0; r--)); do
        MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$n RANK=$r LOCAL_RANK=$r LOCAL_WORLD_SIZE=$n \
          dotnet "$bench" fit "$workload" "$steps" "$data" > "bench/results/distributed-rank$r.json" &
        pids+=($!)
      done
      for p in "${pids[@]}"; do wait "$p"; done
      echo "{\"round\": $round, \"ranks\": $n, \"result\": $(cat bench/results/distributed-rank0.json)}" | tee -a "$out"
    done
  done
done
done
# The collective alone, ours beside PyTorch's (same Gloo process group), 2 ranks, alternating.
for mb in 0.000016 1.1 2.2 8; do
  for impl in mlnetgan pytorch mlnetgan pytorch; do
    port=$((20000 + RANDOM % 20000))
    for r in 1 0; do
      if [[ $impl == mlnetgan ]]; then cmd=(dotnet "$bench" all-reduce "$mb" 300); else cmd=(/usr/bin/python3 bench/distributed/allreduce_peer.py "$mb" 300); fi
      OMP_NUM_THREADS=1 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=2 RANK=$r "${cmd[@]}" > "bench/results/distributed-rank$r.json" &
      pids+=($!)
    done
    wait
    echo "{\"ranks\": 2, \"impl\": \"$impl\", \"all_reduce\": $(cat bench/results/distributed-rank0.json)}" | tee -a "$out"
  done
done
rm -f bench/results/distributed-rank*.json
/usr/bin/python3 bench/distributed/summarize.py "$out" | tee bench/results/distributed.md
