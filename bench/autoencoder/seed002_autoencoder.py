"""Seed 002's convolutional autoencoder in PyTorch, the reference for MLNetGan's AutoencoderTrainer.

Same model, loss, optimizer and budget as the seed (MSE, Adam lr 1e-3 weight decay 1e-5, batch 64, 5 epochs,
shuffled batches with the last partial batch kept), trained on the MNIST t10k digits in [0, 1]. Prints one JSON
line: the reconstruction MSE per pixel over all 10,000 digits after each epoch and the seconds taken.
Usage: python3 seed002_autoencoder.py [mnist_dir] [seed] [epochs]
"""
import gzip, json, sys, time
import numpy as np
import torch
from torch import nn

folder = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/mnist"
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
torch.set_num_threads(1)

with gzip.open(f"{folder}/t10k-images-idx3-ubyte.gz") as f:
    pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
data = torch.from_numpy(pixels)


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 7))
        self.decoder = nn.Sequential(nn.ConvTranspose2d(64, 32, 7), nn.ReLU(), nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


torch.manual_seed(seed)
model = Autoencoder()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
start = time.time()
per_epoch = []
for epoch in range(epochs):
    order = torch.randperm(len(data))
    for b in range(0, len(data), 64):
        img = data[order[b:b + 64]]
        loss = criterion(model(img), img)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    with torch.no_grad():
        per_epoch.append(float(sum(((model(data[i:i + 1000]) - data[i:i + 1000]) ** 2).sum() for i in range(0, len(data), 1000)) / data.numel()))
print(json.dumps({"impl": "pytorch", "seed": seed, "epochs": epochs, "reconstruction_mse": per_epoch, "seconds": round(time.time() - start, 1)}))
