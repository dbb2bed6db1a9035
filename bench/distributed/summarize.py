"""Turns bench/distributed/run.sh's JSON lines into the scaling table and a paper estimate for many machines.

Measured: steps/s and samples/s per configuration (rate between the two run lengths), time in collectives and
megabytes all-reduced per step (rank 0). Estimated: a ring all-reduce of the measured bytes per step over a
stated network, added to the one-machine step time (our step does not overlap communication with backward).
"""
import json
import sys
from collections import defaultdict

BATCH = {"swissroll": 128, "mnist-mlp": 32, "dcgan": 128}  # per rank, the bench's settings
BANDWIDTH_GB_S = 1.25  # 10 Gbit/s Ethernet
LATENCY_S = 50e-6      # per ring hop
MESSAGES_PER_STEP = 3  # D's gradients, G's gradients, the agreement flags (one bucket each at these sizes)

runs = defaultdict(list)
collective = defaultdict(list)
for line in open(sys.argv[1]):
    if line.strip():
        row = json.loads(line)
        if "all_reduce" in row:
            collective[(row["all_reduce"]["megabytes"], row["impl"])].append(row["all_reduce"]["ms_per_call"])
        else:
            runs[(row["result"]["workload"], row["ranks"])].append((row.get("round", 1), row["result"]))

print(f"Rounds: {max(r for results in runs.values() for r, _ in results)}; medians.")
print()
print("| workload | ranks | per-rank batch | steps/s | samples/s | vs 1 rank (samples/s) | collectives ms/step | MB all-reduced/step |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
single = {}
per_step = {}
def median(values):
    values = sorted(values)
    return values[len(values) // 2]


for (workload, ranks), results in sorted(runs.items()):
    rates, comms, mbs = [], [], []
    for round_ in sorted({r for r, _ in results}):
        short, long = sorted((res for r, res in results if r == round_), key=lambda res: res["steps"])[:2]
        dsteps = long["steps"] - short["steps"]
        rates.append(dsteps / (long["seconds"] - short["seconds"]))
        # Per step of the long run: the short run's share would carry the rendezvous and first-step waits.
        comms.append(1000 * long["communication_seconds"] / long["steps"])
        mbs.append(long["megabytes_all_reduced"] / long["steps"])
    rate, comm_ms, mb = median(rates), median(comms), median(mbs)
    samples = rate * BATCH[workload] * ranks
    if ranks == 1:
        single[workload] = (rate, samples)
    else:
        per_step[workload] = mb
    speedup = samples / single[workload][1] if workload in single else float("nan")
    print(f"| {workload} | {ranks} | {BATCH[workload]} | {rate:.2f} | {samples:.0f} | {speedup:.2f}x | {comm_ms:.2f} | {mb:.2f} |")

print()
print(f"Paper estimate (ring all-reduce over {BANDWIDTH_GB_S * 8:.0f} Gbit/s, {LATENCY_S * 1e6:.0f} us per hop, "
      f"{MESSAGES_PER_STEP} messages per step, no overlap with backward; one machine's step time as measured with 1 rank):")
print()
print("| workload | machines | step compute ms | all-reduce ms | scaling efficiency | samples/s |")
print("|---|---:|---:|---:|---:|---:|")
for workload, mb in sorted(per_step.items()):
    rate, _ = single[workload]
    compute = 1 / rate
    for machines in (8, 64):
        transfer = 2 * (machines - 1) / machines * mb / 1000 / BANDWIDTH_GB_S
        latency = 2 * (machines - 1) * LATENCY_S * MESSAGES_PER_STEP
        comm = transfer + latency
        efficiency = compute / (compute + comm)
        samples = machines * BATCH[workload] / (compute + comm)
        print(f"| {workload} | {machines} | {1000 * compute:.1f} | {1000 * comm:.2f} | {100 * efficiency:.0f} % | {samples:.0f} |")

if collective:
    print()
    print("All-reduce alone, 2 ranks on this machine (averaging, float32; medians of the alternated runs):")
    print()
    print("| megabytes | MLNetGan ms | PyTorch ms | ratio (PyTorch / ours) |")
    print("|---:|---:|---:|---:|")
    for megabytes in sorted({m for m, _ in collective}):
        ours = sorted(collective[(megabytes, "mlnetgan")])[len(collective[(megabytes, "mlnetgan")]) // 2]
        peer = sorted(collective[(megabytes, "pytorch")])[len(collective[(megabytes, "pytorch")]) // 2]
        print(f"| {megabytes:g} | {ours:.2f} | {peer:.2f} | {peer / ours:.2f}x |")
