#!/usr/bin/python3
"""PyTorch peer of `MLNetGan.Bench dcgan-epoch`: the same 28x28 DCGAN, data, batch and optimizer.

Usage: /usr/bin/python3 bench/dcgan_epoch.py DATA_DIR THREADS   (DCGAN_EPOCHS env, default 2)
Prints one JSON line with seconds per epoch (first epoch excluded when more than one) and writes
bench/results/dcgan_pytorch.png.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

data_dir, threads = sys.argv[1], int(sys.argv[2])
epochs = int(os.environ.get("DCGAN_EPOCHS", "2"))
torch.set_num_threads(threads)
torch.manual_seed(1)

path = next(os.path.join(data_dir, f) for f in os.listdir(data_dir) if "images-idx3-ubyte" in f)
raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
count = int.from_bytes(raw[4:8], "big")
images = torch.from_numpy(np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, 784).astype(np.float32) / 255.0)
images = images * 2 - 1  # the C# trainer's global scaling maps [0, 1] to [-1, 1] the same way

latent, g_maps, d_maps = 100, 64, 64
G = nn.Sequential(
    nn.Unflatten(1, (latent, 1, 1)),
    nn.ConvTranspose2d(latent, g_maps * 4, 7, 1, 0, bias=False), nn.BatchNorm2d(g_maps * 4), nn.ReLU(),
    nn.ConvTranspose2d(g_maps * 4, g_maps * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(g_maps * 2), nn.ReLU(),
    nn.ConvTranspose2d(g_maps * 2, 1, 4, 2, 1, bias=False), nn.Tanh(), nn.Flatten())
D = nn.Sequential(
    nn.Unflatten(1, (1, 28, 28)),
    nn.Conv2d(1, d_maps, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
    nn.Conv2d(d_maps, d_maps * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(d_maps * 2), nn.LeakyReLU(0.2),
    nn.Conv2d(d_maps * 2, 1, 7, 1, 0, bias=False), nn.Flatten())
opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
batch = 128
gen = torch.Generator().manual_seed(2)

times = []
for epoch in range(epochs):
    start = time.perf_counter()
    order = torch.randperm(count, generator=gen)
    for b in range(count // batch):
        real = images[order[b * batch:(b + 1) * batch]]
        noise = torch.randn(batch, latent, generator=gen)
        with torch.no_grad():
            fake = G(noise)
        real_scores, fake_scores = D(real), D(fake)
        loss_d = F.binary_cross_entropy_with_logits(real_scores, torch.ones_like(real_scores)) + \
            F.binary_cross_entropy_with_logits(fake_scores, torch.zeros_like(fake_scores))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        scores = D(G(torch.randn(batch, latent, generator=gen)))
        loss_g = F.binary_cross_entropy_with_logits(scores, torch.ones_like(scores))
        opt_g.zero_grad(set_to_none=True)
        D.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
    times.append(time.perf_counter() - start)

G.eval()
with torch.no_grad():
    grid = G(torch.randn(64, latent, generator=torch.Generator().manual_seed(1))).reshape(64, 28, 28)
try:
    from PIL import Image
    os.makedirs("bench/results", exist_ok=True)
    canvas = np.zeros((8 * 30 + 2, 8 * 30 + 2), dtype=np.uint8)
    for i in range(64):
        y, x = 2 + i // 8 * 30, 2 + i % 8 * 30
        canvas[y:y + 28, x:x + 28] = ((grid[i].numpy() + 1) / 2 * 255).clip(0, 255).astype(np.uint8)
    Image.fromarray(canvas).save("bench/results/dcgan_pytorch.png")
except ImportError:
    pass
steady = times[1:] if len(times) > 1 else times
print(json.dumps({"impl": "pytorch", "name": f"dcgan_epoch_threads{threads}", "secondsPerEpoch": round(sum(steady) / len(steady), 2),
                  "firstEpoch": round(times[0], 2), "epochs": epochs, "lossD": round(loss_d.item(), 3), "lossG": round(loss_g.item(), 3)}))
