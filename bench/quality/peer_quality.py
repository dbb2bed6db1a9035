"""PyTorch peer of bench/MLNetGan.Bench's `quality-peer` mode: trains the same networks, on the same data, with
the same budget and settings as the `baseline` variant of each quality workload (bench/quality/run-variants.sh),
then writes generated rows in data units as CSV for the C# side to score with ml.Gan().Evaluate.

Usage: peer_quality.py WORKLOAD SEED DATA OUT_CSV [ROWS]
  WORKLOAD: swissroll | ring | grid (DATA: a CSV of x,y rows exported by the C# side)
            | mnist-mlp | dcgan (DATA: a folder with the t10k images)
Prints one JSON line (seconds of training, threads).
"""
import json, os, sys, time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from gan_models import conv_pair, dcgan_init, mlp, mnist_images, train  # noqa: E402

workload, seed, data_path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
torch.set_num_threads(2)  # as the C# side runs (Threads = 2)
torch.manual_seed(seed)  # our trainers seed the layers' draws the same way (torch.manual_seed(seed))


class Scaler:
    """Our DataScaler: x' = 2 (x - min) / (max - min) - 1, per feature or over all features (global), and back."""

    def __init__(self, data, per_feature):
        self.lo = data.min(0) if per_feature else np.full(data.shape[1], data.min(), np.float32)
        self.hi = data.max(0) if per_feature else np.full(data.shape[1], data.max(), np.float32)
        self.hi = np.where(self.hi <= self.lo, self.lo + 1, self.hi)

    def apply(self, x):
        return ((x - self.lo) * 2 / (self.hi - self.lo) - 1).astype(np.float32)

    def invert(self, y):
        return (y + 1) / 2 * (self.hi - self.lo) + self.lo


def epochs(count, data, batch):
    return count * (len(data) // batch)


def scaled_digits(path):
    """The t10k digits in LoadFromMnistIdx's units ([0, 1]) scaled into [-1, 1] with one range (the trainers' Auto scaling for images), and the scaler."""
    pixels = mnist_images(path) / 255
    scaler = Scaler(pixels, per_feature=False)
    return scaler.apply(pixels), scaler


started = time.perf_counter()
if workload in ("swissroll", "ring", "grid"):
    data = np.loadtxt(data_path, delimiter=",", dtype=np.float32)
    if workload == "swissroll":
        # GanPresets.SwissRollHomework: no scaling, 10,000 steps of 128, latent 2, sigmoid D.
        scaler = None
        latent = 2
        g = mlp([2, 256, 256, 256, 2], lambda: nn.LeakyReLU(0.2), nn.Tanh())
        d = mlp([2, 256, 256, 256, 1], lambda: nn.LeakyReLU(0.2), nn.Sigmoid())
        train(data, g, d, 128, latent, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce", steps=10_000, seed=seed)
    else:
        # VanillaGanOptions defaults, 50 epochs: latent 100, 256-256 LeakyReLU(0.2) both ways, logits, batch 64, per-feature scaling.
        scaler = Scaler(data, per_feature=True)
        data = scaler.apply(data)
        latent = 100
        g = mlp([latent, 256, 256, 2], lambda: nn.LeakyReLU(0.2), nn.Tanh())
        d = mlp([2, 256, 256, 1], lambda: nn.LeakyReLU(0.2))
        train(data, g, d, 64, latent, 2e-4, 2e-4, (0.5, 0.999), (0.5, 0.999), "bce_logits", steps=epochs(50, data, 64), seed=seed)
elif workload == "mnist-mlp":
    # GanPresets.LectureGan at 30 epochs of t10k: latent 64, G ReLU, D LeakyReLU(0.2) + Sigmoid, batch 32, Adam(2e-4, 0.9).
    data, scaler = scaled_digits(data_path)
    latent = 64
    g = mlp([latent, 256, 256, 784], nn.ReLU, nn.Tanh())
    d = mlp([784, 256, 256, 1], lambda: nn.LeakyReLU(0.2), nn.Sigmoid())
    train(data, g, d, 32, latent, 2e-4, 2e-4, (0.9, 0.999), (0.9, 0.999), "bce", steps=epochs(30, data, 32), seed=seed)
elif workload == "dcgan":
    # DcganOptions defaults: 5 epochs, batch 32, latent 100, DCGAN init, G 4e-4 / D 5e-5, Adam beta1 0.5, logits.
    data, scaler = scaled_digits(data_path)
    latent = 100
    g, d = conv_pair(latent, 64, 64, True)
    dcgan_init(g, d)
    train(data, g, d, 32, latent, 4e-4, 5e-5, (0.5, 0.999), (0.5, 0.999), "bce_logits", steps=epochs(5, data, 32), seed=seed)
else:
    sys.exit(f"unknown workload {workload}")
seconds = time.perf_counter() - started

g.eval()  # BatchNorm's running statistics, as a trained GanGenerator samples
with torch.inference_mode():
    samples = g(torch.randn(rows, latent, generator=torch.Generator().manual_seed(seed + 1000))).numpy()
if scaler is not None:
    samples = scaler.invert(samples)
tmp = out + ".tmp"
np.savetxt(tmp, samples, delimiter=",", fmt="%.7g")
os.replace(tmp, out)
print(json.dumps({"impl": "pytorch", "workload": workload, "seed": seed, "seconds": round(seconds, 1), "threads": torch.get_num_threads(),
                  "torch": torch.__version__}))
