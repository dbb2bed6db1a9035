#!/usr/bin/env bash
# Quality beside PyTorch: each workload's baseline trained by ml.Gan().Trainers.*.Fit and by PyTorch
# (bench/quality/peer_quality.py: same networks, data, budget and settings), both sides' generated rows scored by
# the same C# metrics, then the medians per side. Installs Debian's python3-torch when missing.
# Usage: bench/quality/run-peer.sh SEEDS WORKLOADS...   (data: MLNETGAN_MNIST, default ../shared/data/mnist)
#   WORKLOADS: swissroll | ring | grid | mnist-mlp | dcgan (as in run-variants.sh)
# Example (docs/quality.md): run-peer.sh 3 swissroll ring grid mnist-mlp dcgan   (about 25 minutes on 2 cores)
set -euo pipefail
seeds="$1"
shift
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed" || apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
out="$quality_root/bench/results/quality-peer.jsonl"
quality_bench "$out" quality-peer "$seeds" "$quality_data" "$quality_root/bench/quality/peer_quality.py" "$@"
/usr/bin/python3 "$quality_root/bench/quality/summarize.py" "$out" workload impl
