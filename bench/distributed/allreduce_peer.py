"""PyTorch's own Gloo all-reduce timed like `MLNetGan.Bench all-reduce MEGABYTES ITERATIONS` (same environment variables).

The peer for our collective layer: the same c10d Gloo process group from Debian's python3-torch 1.13.
"""
import json
import sys
import time

import torch
import torch.distributed as dist

megabytes, iterations = float(sys.argv[1]), int(sys.argv[2])
dist.init_process_group("gloo")
buffer = torch.ones(int(megabytes * 1e6 / 4))
dist.all_reduce(buffer)  # warm-up: connections, buffers
start = time.perf_counter()
for _ in range(iterations):
    dist.all_reduce(buffer)
    buffer /= dist.get_world_size()
per_call = (time.perf_counter() - start) / iterations
if dist.get_rank() == 0:
    print(json.dumps({"mode": "all-reduce", "impl": "pytorch", "ranks": dist.get_world_size(), "megabytes": buffer.numel() * 4 / 1e6,
                      "ms_per_call": round(per_call * 1000, 3), "gb_per_s": round(buffer.numel() * 4 / per_call / 1e9, 3)}))
dist.destroy_process_group()
