"""PyTorch peer of bench/MLNetGan.Bench's `fit` benchmark: the same networks, initialization order,
batch size, optimizers and step (pytorch/examples' dcgan shape: one generated batch per step, used
detached for D and again for G) as `ml.Gan().Trainers.*.Fit`. Prints one JSON line.

Usage: gan_fit.py WORKLOAD STEPS DATA_DIR [THREADS] [PRECISION]
  WORKLOAD: swissroll | mnist-mlp | dcgan | wgan-gp | generate
  THREADS: intra-op threads; omitted (or "default") keeps PyTorch's default.
  PRECISION: float32 (default) or bfloat16, which runs the forward passes under
             torch.autocast("cpu", torch.bfloat16), PyTorch's own mixed precision.
"""
import contextlib, gzip, json, math, os, resource, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from gan_models import conv_pair, mlp, mnist_images, swiss_roll, train as train_steps  # noqa: E402

workload, steps, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if len(sys.argv) > 4 and sys.argv[4] != "default":
    torch.set_num_threads(int(sys.argv[4]))
precision = sys.argv[5] if len(sys.argv) > 5 else "float32"
if precision not in ("float32", "bfloat16"):
    sys.exit(f"unknown precision {precision}")


def forward_precision():
    return torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bfloat16" else contextlib.nullcontext()


torch.manual_seed(1)
started = time.perf_counter()
if workload == "swissroll":
    data = swiss_roll()
    g = mlp([2, 256, 256, 256, 2], lambda: nn.LeakyReLU(0.2, inplace=True), nn.Tanh())
    d = mlp([2, 256, 256, 256, 1], lambda: nn.LeakyReLU(0.2, inplace=True), nn.Sigmoid())
    train_steps(data, g, d, 128, 2, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce", steps=steps, precision=forward_precision)
elif workload == "mnist-mlp":
    data = mnist_images(data_dir) / 255 * 2 - 1
    g = mlp([64, 256, 256, 784], lambda: nn.ReLU(inplace=True), nn.Tanh())
    d = mlp([784, 256, 256, 1], lambda: nn.LeakyReLU(0.2, inplace=True), nn.Sigmoid())
    train_steps(data, g, d, 32, 64, 2e-4, 2e-4, (0.9, 0.999), (0.9, 0.999), "bce", steps=steps, precision=forward_precision)
elif workload == "dcgan":
    data = mnist_images(data_dir) / 255 * 2 - 1
    g, d = conv_pair(100, 64, 64, True)
    train_steps(data, g, d, 128, 100, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce_logits", steps=steps, precision=forward_precision)
elif workload == "wgan-gp":
    data = mnist_images(data_dir) / 255 * 2 - 1
    g, d = conv_pair(100, 64, 64, False)
    train_steps(data, g, d, 64, 100, 1e-4, 1e-4, (0.5, 0.9), (0.5, 0.9), "wasserstein", critic_steps=5, penalty=10.0, steps=steps, precision=forward_precision)
elif workload == "generate":
    g, _ = conv_pair(100, 64, 64, True)
    g.eval()
    started = time.perf_counter()
    random = torch.Generator().manual_seed(1)
    with torch.inference_mode():
        # 256 rows per batch: the fastest chunk for both sides (activations stay small enough to reuse memory).
        for start in range(0, steps, 256):
            g(torch.randn(min(256, steps - start), 100, generator=random)).numpy().copy()
else:
    sys.exit(f"unknown workload {workload}")
seconds = time.perf_counter() - started


def blas_kernels():
    """The OpenBLAS kernel family libtorch's GEMMs run on (libtorch links the libblas.so.3 alternative)."""
    import ctypes
    try:
        query = ctypes.CDLL("libblas.so.3").openblas_get_corename
    except (OSError, AttributeError):
        return None
    query.restype = ctypes.c_char_p
    return query().decode()


print(json.dumps({"impl": "pytorch", "workload": workload, "steps": steps, "seconds": round(seconds, 3),
                  "steps_per_s": round(steps / seconds, 3), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "threads": torch.get_num_threads(), "precision": precision, "allocator": "jemalloc" if "jemalloc" in os.environ.get("LD_PRELOAD", "") else "glibc",
                  "torch": torch.__version__, "blas_kernels": blas_kernels()}))
