#!/usr/bin/env bash
# Seed 000's sine lesson, 1000 epochs, seeds 1..N, through our public API (the seed-exact step and the default
# one-batch step) and through the lesson's own PyTorch code; prints every seed and the medians.
# Usage: bench/quality/run-sine.sh [SEEDS]   (about 1.5 minutes per seed and side on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seeds="${1:-10}"
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed" || apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
out="$root/bench/results/sine.jsonl"
mkdir -p "$(dirname "$out")"
dll="$root/bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll"
{
  dotnet "$dll" sine-seeds "$seeds" seed-exact
  dotnet "$dll" sine-seeds "$seeds"
  /usr/bin/python3 "$root/bench/quality/sine_lesson.py" 1000 $(seq 1 "$seeds")
} | tee "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
groups = {}
for r in rows:
    name = r["impl"] + (" seed-exact step" if r.get("seed_exact_step") else " one-batch step" if r["impl"] == "mlnetgan" else " (lesson code)")
    groups.setdefault(name, []).append(r["mean_abs_sine_error"])
for name, errors in groups.items():
    print(f"{name}: median {statistics.median(errors):.4f}, mean {statistics.mean(errors):.4f} over {len(errors)} seeds")
PY
