#!/usr/bin/env bash
# Runs the binding micro-benchmarks and the PyTorch peer back to back, in one run, on this machine,
# and prints a Markdown table with both figures and their ratio (C# time / PyTorch time).
# Usage: bench/run-micro.sh [op-overhead|mlp-step|blas] [threads...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-op-overhead}"; shift || true
threads=("${@:-$(nproc)}")
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed" || {
  echo "installing python3-torch (the PyTorch peer)"; apt-get install -y -qq --no-install-recommends python3-torch >/dev/null; }
"$root/scripts/setup.sh" >/dev/null
dotnet build "$root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary
results="$(mktemp)"
for t in "${threads[@]}"; do
  dotnet "$root/bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll" "$mode" "$t" >> "$results"
  /usr/bin/python3 "$root/bench/op_overhead.py" "$mode" "$t" >> "$results"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB;" \
     "BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | xargs dirname | xargs basename); date: $(date -u +%F)"
/usr/bin/python3 - "$results" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["name"], {})[r["impl"]] = r["ns"]
print("| measurement | C# binding (ns) | PyTorch (ns) | ratio C#/PyTorch |")
print("|---|---:|---:|---:|")
for name, v in rows.items():
    c, p = v.get("csharp"), v.get("pytorch")
    ratio = f"{c / p:.2f}" if c and p else "n/a"
    print(f"| {name} | {c:,.0f} | {p:,.0f} | {ratio} |")
PY
rm -f "$results"
