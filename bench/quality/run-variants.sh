#!/usr/bin/env bash
# What does an option cost or buy in quality? The same seeded runs (two threads) with each variant of the
# options, scored with the project's metrics, then the medians per variant.
# Usage: bench/quality/run-variants.sh WORKLOAD SEEDS VARIANTS...   (data: MLNETGAN_MNIST, default ../shared/data/mnist)
#   WORKLOAD: swissroll (the seed-003 preset) | mnist-mlp (seed 004's GAN, 30 epochs of t10k) | dcgan (DcganOptions defaults, 5 epochs of t10k)
#   VARIANTS: baseline | bfloat16 | average=DECAY | Option=Value[+Option=Value...] (any option, enums by name)
# Examples (docs/quality.md): run-variants.sh dcgan 3 baseline bfloat16 average=0.999
# Minutes per run on 2 cores: swissroll 0.5, mnist-mlp 0.5, dcgan 1-2.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workload="$1"
seeds="$2"
shift 2
data="${MLNETGAN_MNIST:-$root/../shared/data/mnist}"
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
out="$root/bench/results/quality-$workload.jsonl"
mkdir -p "$(dirname "$out")"
# OpenBLAS's own kernel choice, as in bench/run-fit.sh (some hosts force OPENBLAS_CORETYPE).
env $(env | grep -o '^OPENBLAS_[A-Z0-9_]*' | sed 's/^/-u /') \
  dotnet "$root/bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll" quality-variants "$seeds" "$data" "$workload" "$@" | tee "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
groups = {}
for r in rows:
    groups.setdefault(r["variant"], []).append(r["scores"])
for variant, scores in groups.items():
    medians = {k: statistics.median(s[k] for s in scores) for k in scores[0]}
    print(f"{rows[0]['workload']} {variant:14s} medians over {len(scores)} seeds: " + ", ".join(f"{k} {v:g}" for k, v in medians.items()))
PY
