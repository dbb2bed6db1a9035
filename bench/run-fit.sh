#!/usr/bin/env bash
# Training and generation speed through the public API (ml.Gan().Trainers.*.Fit, default settings) beside
# the PyTorch peer (bench/fit/gan_fit.py) in several configurations, alternating, several rounds.
# Usage: bench/run-fit.sh [DATA_DIR] [ROUNDS] [WORKLOADS...]   (root: installs python3-torch and jemalloc)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/mnist}"
rounds="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
for p in python3-torch libjemalloc2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || apt-get install -y -qq --no-install-recommends "$p" >/dev/null
done
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
/usr/bin/python3 "$root/bench/fit/run.py" "$data" "$rounds" "$@"
