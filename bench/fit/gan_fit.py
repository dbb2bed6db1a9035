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

workload, steps, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if len(sys.argv) > 4 and sys.argv[4] != "default":
    torch.set_num_threads(int(sys.argv[4]))
precision = sys.argv[5] if len(sys.argv) > 5 else "float32"
if precision not in ("float32", "bfloat16"):
    sys.exit(f"unknown precision {precision}")


def forward_precision():
    return torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bfloat16" else contextlib.nullcontext()


def mnist_images():
    path = next(os.path.join(data_dir, f) for f in sorted(os.listdir(data_dir)) if "images-idx3-ubyte" in f)
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    count = int.from_bytes(raw[4:8], "big")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, 784).astype(np.float32)
    return pixels


def swiss_roll(count=10_000, seed=1):
    rng = np.random.default_rng(seed)
    t = 1.5 * math.pi * (1 + 2 * rng.random(count))
    return np.stack([t * np.cos(t) / 15, t * np.sin(t) / 15], 1).astype(np.float32)


def mlp(widths, activation, output=None):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(activation())
    if output is not None:
        layers.append(output)
    return nn.Sequential(*layers)


def conv_pair(latent, g_maps, d_maps, batch_norm_in_d):
    g = nn.Sequential(nn.Unflatten(1, (latent, 1, 1)),
                      nn.ConvTranspose2d(latent, g_maps * 4, 7, 1, 0, bias=False), nn.BatchNorm2d(g_maps * 4), nn.ReLU(),
                      nn.ConvTranspose2d(g_maps * 4, g_maps * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(g_maps * 2), nn.ReLU(),
                      nn.ConvTranspose2d(g_maps * 2, 1, 4, 2, 1, bias=False), nn.Tanh(), nn.Flatten())
    d = [nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, d_maps, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
         nn.Conv2d(d_maps, d_maps * 2, 4, 2, 1, bias=False)]
    if batch_norm_in_d:
        d.append(nn.BatchNorm2d(d_maps * 2))
    d += [nn.LeakyReLU(0.2), nn.Conv2d(d_maps * 2, 1, 7, 1, 0, bias=False), nn.Flatten()]
    return g, nn.Sequential(*d)


def gradient_penalty(critic, real, fake, generator):
    alpha = torch.rand(real.size(0), 1, generator=generator)
    mixed = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_()
    scores = critic(mixed)
    grad, = torch.autograd.grad(scores, mixed, torch.ones_like(scores), create_graph=True)
    return (grad.flatten(1).norm(2, dim=1) - 1).square().mean()


def train(data, g, d, batch, latent, g_lr, d_lr, g_betas, d_betas, loss, critic_steps=1, penalty=0.0, seed=1):
    random = torch.Generator().manual_seed(seed + 1)
    opt_g = torch.optim.Adam(g.parameters(), g_lr, betas=g_betas)
    opt_d = torch.optim.Adam(d.parameters(), d_lr, betas=d_betas)
    real_all = torch.from_numpy(data)
    per_epoch = len(real_all) // batch
    done, d_steps = 0, 0
    while done < steps:
        order = torch.randperm(len(real_all), generator=random)
        for b in range(per_epoch):
            if done >= steps:
                break
            real = real_all.index_select(0, order[b * batch:(b + 1) * batch])
            with forward_precision():
                fake = g(torch.randn(batch, latent, generator=random))
                opt_d.zero_grad()
                real_scores, fake_scores = d(real).float(), d(fake.detach()).float()
                if loss == "bce":
                    loss_d = F.binary_cross_entropy(real_scores, torch.ones_like(real_scores)) + F.binary_cross_entropy(fake_scores, torch.zeros_like(fake_scores))
                elif loss == "bce_logits":
                    loss_d = F.binary_cross_entropy_with_logits(real_scores, torch.ones_like(real_scores)) + F.binary_cross_entropy_with_logits(fake_scores, torch.zeros_like(fake_scores))
                else:
                    loss_d = fake_scores.mean() - real_scores.mean()
                if penalty > 0:
                    loss_d = loss_d + penalty * gradient_penalty(d, real, fake, random)
            loss_d.backward()
            opt_d.step()
            d_steps += 1
            if d_steps % critic_steps:
                continue
            opt_g.zero_grad()
            with forward_precision():
                scores = d(fake).float()
                if loss == "bce":
                    loss_g = F.binary_cross_entropy(scores, torch.ones_like(scores))
                elif loss == "bce_logits":
                    loss_g = F.binary_cross_entropy_with_logits(scores, torch.ones_like(scores))
                else:
                    loss_g = -scores.mean()
            loss_g.backward()
            opt_g.step()
            done += 1
            loss_d.item(), loss_g.item()


torch.manual_seed(1)
started = time.perf_counter()
if workload == "swissroll":
    data = swiss_roll()
    g = mlp([2, 256, 256, 256, 2], lambda: nn.LeakyReLU(0.2), nn.Tanh())
    d = mlp([2, 256, 256, 256, 1], lambda: nn.LeakyReLU(0.2), nn.Sigmoid())
    train(data, g, d, 128, 2, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce")
elif workload == "mnist-mlp":
    data = mnist_images() / 255 * 2 - 1
    g = mlp([64, 256, 256, 784], nn.ReLU, nn.Tanh())
    d = mlp([784, 256, 256, 1], lambda: nn.LeakyReLU(0.2), nn.Sigmoid())
    train(data, g, d, 32, 64, 2e-4, 2e-4, (0.9, 0.999), (0.9, 0.999), "bce")
elif workload == "dcgan":
    data = mnist_images() / 255 * 2 - 1
    g, d = conv_pair(100, 64, 64, True)
    train(data, g, d, 128, 100, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce_logits")
elif workload == "wgan-gp":
    data = mnist_images() / 255 * 2 - 1
    g, d = conv_pair(100, 64, 64, False)
    train(data, g, d, 64, 100, 1e-4, 1e-4, (0.5, 0.9), (0.5, 0.9), "wasserstein", critic_steps=5, penalty=10.0)
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
