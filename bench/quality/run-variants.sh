#!/usr/bin/env bash
# What does an option cost or buy in quality? The same seeded runs (two threads) with each variant of the
# options, scored with the project's metrics, then the medians per variant.
# Usage: bench/quality/run-variants.sh WORKLOAD SEEDS VARIANTS...   (data: MLNETGAN_MNIST, default ../shared/data/mnist)
#   SEEDS: N (seeds 1..N) or FIRST-LAST
#   WORKLOAD: swissroll (the seed-003 preset) | mnist-mlp (seed 004's GAN, 30 epochs of t10k) | dcgan (DcganOptions defaults, 5 epochs of t10k)
#             | mnist-mlp-recipe (GanRecipes.MnistMlp: WGAN-GP, 150 epochs of t10k)
#             | ring, grid (issue 8 mixtures: VanillaGanOptions defaults, 50 epochs of 10,000 points)
#             | swissroll-recipe, ring-recipe, grid-recipe (GanRecipes.Points on the same data: 400 epochs)
#   VARIANTS: baseline | bfloat16 | average=DECAY | Option=Value[+Option=Value...] (any option, enums by name)
# MLNETGAN_QUALITY_PLOTS=FOLDER also draws each 2-D run's samples (red) over the data (grey).
# Examples (docs/quality.md): run-variants.sh dcgan 3 baseline bfloat16 average=0.999
# Minutes per run on 2 cores: swissroll 0.5, mnist-mlp 0.5, dcgan 1-2, mnist-mlp-recipe 1.5, *-recipe (points) 3.
set -euo pipefail
workload="$1"
seeds="$2"
shift 2
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="$quality_root/bench/results/quality-$workload.jsonl"
quality_bench "$out" quality-variants "$seeds" "$quality_data" "$workload" "$@"
/usr/bin/python3 "$quality_root/bench/quality/summarize.py" "$out" variant
