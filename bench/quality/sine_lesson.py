"""Seed 000's sine GAN exactly as the lesson writes it (networks, BCELoss, Adam 1e-3, batch 32, a DataLoader
with shuffle, fresh noise for the generator step), for several seeds; prints one JSON line per seed with the
mean |y - sin x| of 2,000 generated points (ToyMetrics.SineError's definition).

Usage: /usr/bin/python3 bench/quality/sine_lesson.py EPOCHS SEED [SEED...]
"""
import json, math, sys, time

import torch
from torch import nn

epochs = int(sys.argv[1])
seeds = [int(s) for s in sys.argv[2:]] or [1]
torch.set_num_threads(1)

for seed in seeds:
    torch.manual_seed(seed)
    train_data = torch.zeros((1024, 2))
    train_data[:, 0] = 2 * math.pi * torch.rand(1024)
    train_data[:, 1] = torch.sin(train_data[:, 0])
    train_set = [(train_data[i], 0.0) for i in range(1024)]
    loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True)
    discriminator = nn.Sequential(nn.Linear(2, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 128), nn.LeakyReLU(), nn.Dropout(0.3),
                                  nn.Linear(128, 64), nn.LeakyReLU(), nn.Dropout(0.3), nn.Linear(64, 1), nn.Sigmoid())
    generator = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(), nn.Linear(16, 32), nn.LeakyReLU(), nn.Linear(32, 2))
    loss_function = nn.BCELoss()
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=0.001)
    optimizer_g = torch.optim.Adam(generator.parameters(), lr=0.001)
    started = time.perf_counter()
    for epoch in range(epochs):
        for real_samples, _ in loader:
            real_labels = torch.ones((32, 1))
            generated = generator(torch.randn((32, 2)))
            all_samples = torch.cat((real_samples, generated))
            all_labels = torch.cat((real_labels, torch.zeros((32, 1))))
            discriminator.zero_grad()
            loss_d = loss_function(discriminator(all_samples), all_labels)
            loss_d.backward()
            optimizer_d.step()
            generator.zero_grad()
            loss_g = loss_function(discriminator(generator(torch.randn((32, 2)))), real_labels)
            loss_g.backward()
            optimizer_g.step()
    with torch.no_grad():
        points = generator(torch.randn(2000, 2))
    error = (points[:, 1] - torch.sin(points[:, 0])).abs().mean().item()
    print(json.dumps({"impl": "pytorch", "seed": seed, "epochs": epochs, "mean_abs_sine_error": round(error, 4),
                      "x_min": round(points[:, 0].min().item(), 3), "x_max": round(points[:, 0].max().item(), 3),
                      "seconds": round(time.perf_counter() - started, 1)}), flush=True)
