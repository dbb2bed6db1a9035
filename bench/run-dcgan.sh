#!/usr/bin/env bash
# Seconds per DCGAN epoch on MNIST (10,000 test digits): C# (MLNetGan) and PyTorch on the identical
# model, one after the other in the same run, with the seeds' exact step (fresh noise for the generator step)
# and fixed threads, then compares the two sample grids: the trajectory check. Usage: bench/run-dcgan.sh [DATA_DIR] [THREADS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data/mnist}"
threads="${2:-$(nproc)}"
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed" || apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
cd "$root"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), BLAS $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | xargs dirname | xargs basename), $(date -u +%F)"
dotnet bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll dcgan-epoch "$threads" "$data"
/usr/bin/python3 bench/dcgan_epoch.py "$data" "$threads"
/usr/bin/python3 - <<'PY'
import numpy as np
from PIL import Image
a = np.asarray(Image.open("bench/results/dcgan_csharp.png"), dtype=np.float64)
b = np.asarray(Image.open("bench/results/dcgan_pytorch.png"), dtype=np.float64)
print(f"trajectory: mean |C# - PyTorch| over the 64-sample grids = {np.abs(a - b).mean():.2f} grey levels (max {np.abs(a - b).max():.0f})")
PY
