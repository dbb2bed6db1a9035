"""Groups two `perf report --sort pid,dso,sym -t '|'` listings (MLNetGan's fit and the PyTorch peer's) by kind of work,
separately for the main thread (the step's critical path) and the other threads (OpenMP workers), and prints them side
by side as a Markdown table, with the main threads' top symbols.
Usage: categorize.py WORKLOAD MLNETGAN_REPORT PYTORCH_REPORT MLNETGAN_JSON PYTORCH_JSON"""
import json
import re
import sys

HEX = re.compile(r"0x[0-9a-f]+")
# First match wins; (name, test on the shared object and the symbol). Debian's libtorch and libgomp are stripped of
# their internal symbols, so their work is told apart by library, not by function.
KINDS = [
    # Code generated at run time without a name: oneDNN's JIT kernels (.NET's JIT-compiled methods are named through
    # the perf map; the shim and libtorch generate no code).
    ("oneDNN JIT kernels (convolutions, matrix products)", lambda d, s: d.startswith(("[JIT]", "[unknown]", "//anon")) and HEX.fullmatch(s) is not None),
    ("oneDNN library code (reorders, drivers)", lambda d, s: d.startswith("libdnnl")),
    ("OpenBLAS matrix products", lambda d, s: d.startswith("libopenblas")),
    ("fused Adam update (shim)", lambda d, s: "adam" in s.lower()),
    ("libtorch: elementwise, batch norm, reductions, copies, autograd", lambda d, s: d.startswith(("libtorch", "libc10", "libmlnetgan", "libsleef"))),
    ("OpenMP runtime (spinning, barriers, waking)", lambda d, s: d.startswith("libgomp")),
    ("memory (kernel: page faults, zeroing; malloc; memcpy/memset)", lambda d, s: d == "[kernel.kallsyms]" or d.startswith(("libjemalloc", "libc.so"))),
    (".NET runtime and managed code", lambda d, s: d.startswith(("libcoreclr", "libclrjit", "libSystem", "System.", "[JIT]", "memfd:doublemapper")) or d.endswith(".dll")),
    ("Python interpreter", lambda d, s: d.startswith(("libpython", "python3"))),
]
OTHER = "other"


def read(path):
    """(share %, is main thread, dso, symbol) per row; the main thread's id is the process id, the smallest one."""
    rows = []
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("#") or "|" not in line:
            continue
        share, thread, dso, sym = (part.strip() for part in line.split("|", 3))
        rows.append((float(share.rstrip("%")), int(thread.split(":")[0]), dso, re.sub(r"^\[[.k]\]\s*", "", sym)))
    main = min(tid for _, tid, _, _ in rows)
    return [(share, tid == main, dso, sym) for share, tid, dso, sym in rows]


def group(rows, main):
    shares = {}
    for share, is_main, dso, sym in rows:
        if is_main == main:
            kind = next((name for name, test in KINDS if test(dso, sym)), OTHER)
            shares[kind] = shares.get(kind, 0.0) + share
    return shares


def rate(path):
    try:
        return f"{json.loads(open(path).read().strip().splitlines()[-1])['steps_per_s']:.2f}"
    except (OSError, ValueError, IndexError, KeyError):
        return "?"


workload, ours_report, peer_report, ours_json, peer_json = sys.argv[1:6]
ours, peer = read(ours_report), read(peer_report)
columns = [group(ours, True), group(ours, False), group(peer, True), group(peer, False)]
print(f"{workload}: share of all sampled CPU time (setup excluded), main thread and other threads; "
      f"steps/s under perf, setup included: MLNetGan {rate(ours_json)}, PyTorch {rate(peer_json)}")
print()
print("| kind of work | MLNetGan main thread % | MLNetGan other threads % | PyTorch main thread % | PyTorch other threads % |")
print("|---|---:|---:|---:|---:|")
for name in [k for k, _ in KINDS] + [OTHER]:
    values = [c.get(name, 0.0) for c in columns]
    if max(values) >= 0.05:
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
print("| all | " + " | ".join(f"{sum(c.values()):.1f}" for c in columns) + " |")
for side, rows in (("MLNetGan", ours), ("PyTorch", peer)):
    print(f"\n{side} main thread: top symbols")
    for share, _, dso, sym in sorted((r for r in rows if r[1]), reverse=True)[:10]:
        print(f"  {share:5.1f}%  {dso:28.28}  {sym[:100]}")
