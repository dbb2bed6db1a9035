#!/usr/bin/env bash
# Issue 11's tabular benchmark: our tabular GAN, independent per-column sampling and a Gaussian copula on three tables
# (a generated one with known structure and a 1 % rare category, and Debian's vega cars and seattle-weather), scored by
# ml.Gan().EvaluateTable and by TSTR/TRTR accuracy. Needs python3-vega-datasets.
# Usage: bash bench/tabular/run.sh [EPOCHS] [SEEDS] [TABLES...]   (defaults: 300 epochs, 1 seed, all tables; SEEDS: N for 1..N, or FIRST-LAST)
# VARIANT=NAME=VALUE[+NAME=VALUE...] sets TabularGanOptions (as bench/quality/run-variants.sh); two threads, so runs repeat exactly.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-300}
seeds=${2:-1}
shift $(( $# > 2 ? 2 : $# ))
if [ ! -d /usr/lib/python3/dist-packages/vega_datasets ]; then
  echo "python3-vega-datasets is missing: apt-get install -y python3-vega-datasets" >&2
  exit 2
fi
data=bench/results/tabular-data
/usr/bin/python3 bench/tabular/prepare.py "$data" >/dev/null
dotnet build bench/MLNetGan.Bench -c Release -v quiet -nologo >/dev/null
dotnet bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll tabular "$data" "$epochs" "$seeds" "${VARIANT:-baseline}" "$@" | tee bench/results/tabular.jsonl
