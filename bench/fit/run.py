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
# Ours with default options, and with Precision = BFloat16; the peer with its defaults, tuned allocator and
# threads, and under its own mixed precision (torch.autocast bfloat16). Generation runs in float32 on both sides.
configs = {
    "mlnetgan": (["dotnet", dll, "fit"], {}),
    "mlnetgan bf16": (["dotnet", dll, "fit"], {"PRECISION": "bfloat16"}),
    "pytorch default": (["/usr/bin/python3", peer], {}),
    "pytorch glibc 2t": (["/usr/bin/python3", peer], {"THREADS": "2"}),
    "pytorch jemalloc 1t": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "1"}),
    "pytorch jemalloc 2t": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "2"}),
    "pytorch jemalloc 1t bf16": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "1", "PRECISION": "bfloat16"}),
    "pytorch jemalloc 2t bf16": (["/usr/bin/python3", peer], {"LD_PRELOAD": jemalloc, "THREADS": "2", "PRECISION": "bfloat16"}),
}


def applies(config, workload):
    return workload != "generate" or "bf16" not in config


def is_bf16(config):
    return config.endswith("bf16")


# OpenBLAS chooses its kernels from the CPU unless OPENBLAS_* variables say otherwise; some hosts set them
# (this project's machines force OPENBLAS_CORETYPE=Haswell, AVX2, on an AVX-512 CPU). Every configuration,
# ours and the peer's, runs with OpenBLAS's own choice, which is the fastest here; the report names it.
inherited_blas_settings = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}


def run(config, workload, steps):
    command, extra = configs[config]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    threads, precision = extra.get("THREADS"), extra.get("PRECISION")
    env.update({k: v for k, v in extra.items() if k not in ("THREADS", "PRECISION")})
    if config.startswith("mlnetgan"):  # fit WORKLOAD STEPS DATA [PRECISION]: threads stay the library's choice
        tail = [precision] if precision else []
    else:  # gan_fit.py WORKLOAD STEPS DATA [THREADS] [PRECISION]
        tail = ([threads or "default"] + [precision]) if precision else ([threads] if threads else [])
    args = command + [workload, str(steps), data] + tail
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


# The generate workload loads a saved DCGAN generator, as users generate from a model file.
generator_model = os.path.join(root, "bench/results/generator.zip")
os.makedirs(os.path.dirname(generator_model), exist_ok=True)
if "generate" in workloads:
    subprocess.run(["dotnet", dll, "make-generator", generator_model, data], check=True, capture_output=True)
    os.environ["BENCH_GENERATOR"] = generator_model

results = {w: {c: [] for c in configs if applies(c, w)} for w in workloads}
started = time.time()
for r in range(rounds):
    for w in workloads:
        short, long = lengths[w]
        for c in results[w]:
            a = run(c, w, short) if short != long else None
            b = run(c, w, long)
            if a is None:
                rate, fixed = b["steps_per_s"], 0.0
            else:
                rate = (long - short) / max(1e-9, b["seconds"] - a["seconds"])
                fixed = max(0.0, a["seconds"] - short / rate)
            results[w][c].append({"rate": rate, "fixed_s": fixed, "long_total_s": b["seconds"], "rss": b["peak_rss_mb"], "raw": b})
            print(f"round {r + 1} {w:10s} {c:24s} {rate:9.2f}/s  setup {fixed:5.2f} s  rss {b['peak_rss_mb']:7.1f} MB", file=sys.stderr, flush=True)

os.makedirs(os.path.join(root, "bench/results"), exist_ok=True)
with open(os.path.join(root, "bench/results/fit.json"), "w") as f:
    json.dump(results, f, indent=1)

torch_version = results[workloads[0]]["pytorch default"][0]["raw"]["torch"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
kernels = sorted({str(x["raw"].get("blas_kernels")) + " (" + c.split()[0] + ")" for w in workloads for c in results[w] for x in results[w][c]})
print(f"machine: {os.cpu_count()} cores, {cpu}; PyTorch {torch_version} (Debian python3-torch); "
      f"{rounds} rounds, medians; {time.strftime('%Y-%m-%d')}; took {time.time() - started:.0f} s")
print(f"OpenBLAS kernels: {', '.join(kernels)} (OpenBLAS's own choice; removed from the environment: "
      f"{', '.join(f'{k}={v}' for k, v in inherited_blas_settings.items()) or 'nothing'})\n")
unit = {"generate": "samples/s"}
print("Ours in float32 against the best float32 peer; ours in bfloat16 (`Precision = BFloat16`) against the best peer")
print("of either precision (PyTorch's autocast included). Ratios > 1: MLNetGan is faster.\n")
print("| workload | MLNetGan | MLNetGan bf16 | PyTorch default | best PyTorch float32 (config) | best PyTorch any (config) | float32 vs default | float32 vs best float32 | bf16 vs best any | MLNetGan peak RSS | best float32 peer's peak RSS | MLNetGan setup s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w in workloads:
    med = {c: statistics.median(x["rate"] for x in results[w][c]) for c in results[w]}
    rss = {c: statistics.median(x["rss"] for x in results[w][c]) for c in results[w]}
    peers = [c for c in results[w] if c.startswith("pytorch")]
    best32 = max((c for c in peers if not is_bf16(c)), key=lambda c: med[c])
    best = max(peers, key=lambda c: med[c])
    fixed = statistics.median(x["fixed_s"] for x in results[w]["mlnetgan"])
    u = unit.get(w, "steps/s")
    ours16 = med.get("mlnetgan bf16")
    print(f"| {w} ({u}) | {med['mlnetgan']:.2f} | {f'{ours16:.2f}' if ours16 else '-'} | {med['pytorch default']:.2f} | {med[best32]:.2f} ({best32[8:]}) | "
          f"{med[best]:.2f} ({best[8:]}) | {med['mlnetgan'] / med['pytorch default']:.2f}x | {med['mlnetgan'] / med[best32]:.2f}x | "
          f"{f'{ours16 / med[best]:.2f}x' if ours16 else '-'} | {rss['mlnetgan']:.0f} MB | {rss[best32]:.0f} MB | {fixed:.2f} |")
print("\nAll configurations (median rate):\n")
print("| workload | " + " | ".join(configs) + " |")
print("|---|" + "---:|" * len(configs))
for w in workloads:
    print(f"| {w} | " + " | ".join(f"{statistics.median(x['rate'] for x in results[w][c]):.2f}" if c in results[w] else "-" for c in configs) + " |")

# The DCGAN step's arithmetic (multiply-adds per sample, counted from the layer shapes; see docs/benchmarks.md)
# against oneDNN's rate on a large convolution, at 1 and 2 threads.
if "dcgan" in workloads:
    peaks = {t: json.loads(subprocess.run(["dotnet", dll, "conv-peak", str(t)], capture_output=True, text=True, check=True).stdout.splitlines()[-1]) for t in (1, 2)}
    gflop_per_step = 2 * 135.3e6 * 128 / 1e9
    ours = statistics.median(x["rate"] for x in results["dcgan"]["mlnetgan"])
    ours16 = statistics.median(x["rate"] for x in results["dcgan"]["mlnetgan bf16"])
    print(f"\nDCGAN step: {gflop_per_step:.1f} GFLOP; MLNetGan {ours * gflop_per_step:.0f} GFLOP/s achieved in float32, {ours16 * gflop_per_step:.0f} in bfloat16; "
          f"oneDNN convolution peak (the step's largest convolution, alone) {peaks[1]['gflops_per_s']:.0f} GFLOP/s at 1 thread, {peaks[2]['gflops_per_s']:.0f} at 2 threads "
          f"in float32; {peaks[1]['bf16_gflops_per_s']:.0f} and {peaks[2]['bf16_gflops_per_s']:.0f} in bfloat16.")
