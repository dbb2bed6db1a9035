"""Runs the public-API training benchmark beside the PyTorch peer and prints a markdown report.

Each round runs every workload with MLNetGan (default settings) and with PyTorch in four configurations
(Debian's default; glibc or jemalloc, 1 or 2 threads), alternating, at two lengths so that the steady-state
rate (steps between the two lengths / time between them) is separated from one-off setup. Medians over
the rounds. The best-configured peer is, per workload, the fastest PyTorch configuration.

Usage: run.py DATA_DIR [ROUNDS] [WORKLOADS...]   (called by bench/run-fit.sh)
"""
import json, os, platform, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
# workload -> (short steps, long steps); generate counts samples and is timed at one length.
lengths = {"swissroll": (200, 2200), "mnist-mlp": (200, 2200), "dcgan": (5, 30), "wgan-gp": (2, 8), "generate": (10_000, 10_000)}
workloads = sys.argv[3:] or list(lengths)
jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
dll = os.path.join(root, "bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll")
peer = os.path.join(root, "bench/fit/gan_fit.py")
configs = {
    "mlnetgan": (["dotnet", dll, "fit"], {}),
    "pytorch default": (["/usr/bin/python3", peer], {}),
    "pytorch glibc 2t": (["/usr/bin/python3", peer], {"THREADS": "2"}),
    "pytorch jemalloc 1t": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "1"}),
    "pytorch jemalloc 2t": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "2"}),
}


# OpenBLAS chooses its kernels from the CPU unless OPENBLAS_* variables say otherwise; some hosts set them
# (this project's machines force OPENBLAS_CORETYPE=Haswell, AVX2, on an AVX-512 CPU). Every configuration,
# ours and the peer's, runs with OpenBLAS's own choice, which is the fastest here; the report names it.
inherited_blas_settings = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}


def run(config, workload, steps):
    command, extra = configs[config]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    threads = extra.get("THREADS")
    env.update({k: v for k, v in extra.items() if k != "THREADS"})
    args = command + [workload, str(steps), data] + ([threads] if threads else [])
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


# The generate workload loads a saved DCGAN generator, as users generate from a model file.
generator_model = os.path.join(root, "bench/results/generator.zip")
os.makedirs(os.path.dirname(generator_model), exist_ok=True)
if "generate" in workloads:
    subprocess.run(["dotnet", dll, "make-generator", generator_model, data], check=True, capture_output=True)
    os.environ["BENCH_GENERATOR"] = generator_model

results = {w: {c: [] for c in configs} for w in workloads}
started = time.time()
for r in range(rounds):
    for w in workloads:
        short, long = lengths[w]
        for c in configs:
            a = run(c, w, short) if short != long else None
            b = run(c, w, long)
            if a is None:
                rate, fixed = b["steps_per_s"], 0.0
            else:
                rate = (long - short) / max(1e-9, b["seconds"] - a["seconds"])
                fixed = max(0.0, a["seconds"] - short / rate)
            results[w][c].append({"rate": rate, "fixed_s": fixed, "long_total_s": b["seconds"], "rss": b["peak_rss_mb"], "raw": b})
            print(f"round {r + 1} {w:10s} {c:20s} {rate:9.2f}/s  setup {fixed:5.2f} s  rss {b['peak_rss_mb']:7.1f} MB", file=sys.stderr, flush=True)

os.makedirs(os.path.join(root, "bench/results"), exist_ok=True)
with open(os.path.join(root, "bench/results/fit.json"), "w") as f:
    json.dump(results, f, indent=1)

torch_version = results[workloads[0]]["pytorch default"][0]["raw"]["torch"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
kernels = sorted({str(x["raw"].get("blas_kernels")) + " (" + c.split()[0] + ")" for w in workloads for c in configs for x in results[w][c]})
print(f"machine: {os.cpu_count()} cores, {cpu}; PyTorch {torch_version} (Debian python3-torch); "
      f"{rounds} rounds, medians; {time.strftime('%Y-%m-%d')}; took {time.time() - started:.0f} s")
print(f"OpenBLAS kernels: {', '.join(kernels)} (OpenBLAS's own choice; removed from the environment: "
      f"{', '.join(f'{k}={v}' for k, v in inherited_blas_settings.items()) or 'nothing'})\n")
unit = {"generate": "samples/s"}
print("| workload | MLNetGan | PyTorch default | best PyTorch (config) | vs default | vs best | MLNetGan peak RSS | best peer's peak RSS | MLNetGan setup s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in workloads:
    med = {c: statistics.median(x["rate"] for x in results[w][c]) for c in configs}
    rss = {c: statistics.median(x["rss"] for x in results[w][c]) for c in configs}
    best = max((c for c in configs if c != "mlnetgan"), key=lambda c: med[c])
    fixed = statistics.median(x["fixed_s"] for x in results[w]["mlnetgan"])
    u = unit.get(w, "steps/s")
    print(f"| {w} ({u}) | {med['mlnetgan']:.2f} | {med['pytorch default']:.2f} | {med[best]:.2f} ({best[8:]}) | "
          f"{med['mlnetgan'] / med['pytorch default']:.2f}x | {med['mlnetgan'] / med[best]:.2f}x | {rss['mlnetgan']:.0f} MB | {rss[best]:.0f} MB | {fixed:.2f} |")
print("\nAll configurations (median rate):\n")
print("| workload | " + " | ".join(configs) + " |")
print("|---|" + "---:|" * len(configs))
for w in workloads:
    print(f"| {w} | " + " | ".join(f"{statistics.median(x['rate'] for x in results[w][c]):.2f}" for c in configs) + " |")

# The DCGAN step's arithmetic (multiply-adds per sample, counted from the layer shapes; see docs/benchmarks.md)
# against oneDNN's rate on a large convolution, at 1 and 2 threads.
if "dcgan" in workloads:
    peaks = {t: json.loads(subprocess.run(["dotnet", dll, "conv-peak", str(t)], capture_output=True, text=True, check=True).stdout.splitlines()[-1])["gflops_per_s"] for t in (1, 2)}
    gflop_per_step = 2 * 135.3e6 * 128 / 1e9
    ours = statistics.median(x["rate"] for x in results["dcgan"]["mlnetgan"])
    print(f"\nDCGAN step: {gflop_per_step:.1f} GFLOP; MLNetGan {ours * gflop_per_step:.0f} GFLOP/s achieved; "
          f"oneDNN convolution peak (the step's largest convolution, alone) {peaks[1]:.0f} GFLOP/s at 1 thread, {peaks[2]:.0f} GFLOP/s at 2 threads.")
