"""The peer's side of our benchmarks: data readers and the networks our trainers build by default, written
with torch.nn the way a PyTorch user would, layer for layer as src/Microsoft.ML.Gan declares them (same
order of layers, hence of PyTorch's default initialization draws). Activations after a linear, convolution or
batch-norm layer overwrite its output (inplace=True), as pytorch/examples' dcgan and our trainers do. Used by bench/fit/gan_fit.py (speed)
and bench/quality/peer_quality.py (quality)."""
import contextlib, gzip, math, os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def mnist_images(data_dir):
    """The t10k digits (the first images-idx3-ubyte file in data_dir, gzip or not) as float32 pixels 0..255, one row each."""
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
                      nn.ConvTranspose2d(latent, g_maps * 4, 7, 1, 0, bias=False), nn.BatchNorm2d(g_maps * 4), nn.ReLU(inplace=True),
                      nn.ConvTranspose2d(g_maps * 4, g_maps * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(g_maps * 2), nn.ReLU(inplace=True),
                      nn.ConvTranspose2d(g_maps * 2, 1, 4, 2, 1, bias=False), nn.Tanh(), nn.Flatten())
    d = [nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, d_maps, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
         nn.Conv2d(d_maps, d_maps * 2, 4, 2, 1, bias=False)]
    if batch_norm_in_d:
        d.append(nn.BatchNorm2d(d_maps * 2))
    d += [nn.LeakyReLU(0.2, inplace=True), nn.Conv2d(d_maps * 2, 1, 7, 1, 0, bias=False), nn.Flatten()]
    return g, nn.Sequential(*d)


def gradient_penalty(critic, real, fake, generator):
    alpha = torch.rand(real.size(0), 1, generator=generator)
    mixed = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_()
    scores = critic(mixed)
    grad, = torch.autograd.grad(scores, mixed, torch.ones_like(scores), create_graph=True)
    return (grad.flatten(1).norm(2, dim=1) - 1).square().mean()


def dcgan_init(*networks):
    """DCGAN's initialization, as WeightInitialization.Dcgan applies it: convolution weights N(0, 0.02),
    BatchNorm weights N(1, 0.02) and biases 0, drawn layer by layer in order from the global generator."""
    for network in networks:
        for module in network.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(module.weight, 0.0, 0.02)
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                nn.init.normal_(module.weight, 1.0, 0.02)
                nn.init.zeros_(module.bias)


def train(data, g, d, batch, latent, g_lr, d_lr, g_betas, d_betas, loss, steps, critic_steps=1, penalty=0.0, seed=1,
          precision=contextlib.nullcontext):
    """`steps` generator steps of our trainers' step (pytorch/examples' dcgan shape): per batch one noise draw and
    one generated batch, D on the real batch and the generated one detached, then G through D's scores of the same
    generated batch. Batches are drawn from a fresh permutation every epoch; the last partial batch is dropped.
    loss: "bce" (D ends with a Sigmoid), "bce_logits" or "wasserstein"; precision: a context for the forward passes."""
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
            with precision():
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
            with precision():
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
