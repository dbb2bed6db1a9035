"""Independent reference values for Microsoft.ML.Gan's evaluation metrics (GanEvaluator, SampleMetrics, ModeCoverage).

Written from the papers' definitions with numpy and scipy (Debian's python3-numpy and python3-scipy), not from
our C#: MMD (Gretton et al. 2012, unbiased), energy distance (Szekely and Rizzo), sliced Wasserstein
(scipy.stats.wasserstein_distance per direction), precision/recall (Kynkaanniemi et al. 2019), density/coverage
(Naeem et al. 2020; the authors' prdc code counts a point inside a ball when strictly closer than its radius),
mode metrics (VEEGAN/PacGAN protocol), the Frechet distance (scipy.linalg.sqrtm). Inputs are float32-representable so both sides see the same numbers.

Usage: /usr/bin/python3 make_metric_fixtures.py > metric_fixtures.json
"""
import json

import numpy as np
from scipy.linalg import sqrtm
from scipy.spatial.distance import cdist
from scipy.stats import wasserstein_distance

rng = np.random.default_rng(20261122)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def knn_radii(within, k):
    # k-th smallest distance to another row: sort each row, index k (index 0 is the row itself, at distance 0)
    return np.sort(within, axis=1)[:, k]


def metrics(x, y, k):
    xx, yy, xy = cdist(x, x), cdist(y, y), cdist(x, y)
    n, m = len(x), len(y)
    pooled = np.concatenate([xx[np.triu_indices(n, 1)], yy[np.triu_indices(m, 1)], xy.ravel()])
    sigma = np.median(pooled)
    kern = lambda d: np.exp(-d ** 2 / (2 * sigma ** 2))
    kxx, kyy, kxy = kern(xx), kern(yy), kern(xy)
    mmd = (kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()
    energy = 2 * xy.mean() - xx.mean() - yy.mean()
    rx, ry = knn_radii(xx, k), knn_radii(yy, k)
    inside_real = xy < rx[:, None]          # [i, j]: generated j inside real i's ball
    inside_generated = xy < ry[None, :]     # [i, j]: real i inside generated j's ball
    return {
        "bandwidth": sigma, "mmd": mmd, "energy": energy,
        "precision": inside_real.any(axis=0).mean(), "recall": inside_generated.any(axis=1).mean(),
        "density": inside_real.sum() / (k * m), "coverage": inside_real.any(axis=1).mean(),
        "real_radii": rx.tolist(),
    }


fixtures = {}

# Two overlapping but different clouds in 3-D.
x = f32(rng.normal(size=(60, 3)))
y = f32(rng.normal(size=(50, 3)) * [1.3, 0.7, 1.0] + [0.4, 0.0, -0.2])
fixtures["samples"] = {"k": 5, "real": x.tolist(), "generated": y.tolist(), **metrics(x, y, 5)}

# Sliced Wasserstein with given unit directions (the C# side draws its own; the test passes these).
directions = rng.normal(size=(3, 16))
directions /= np.linalg.norm(directions, axis=0, keepdims=True)
px, py = x @ directions, y @ directions
fixtures["sliced"] = {"directions": directions.tolist(),
                      "sliced_wasserstein": float(np.mean([wasserstein_distance(px[:, p], py[:, p]) for p in range(16)]))}

# An 8-mode ring (radius 1, sd 0.05): two modes never generated, some rows far from every mode.
angles = np.arange(8) * 2 * np.pi / 8
modes = f32(np.stack([np.cos(angles), np.sin(angles)], axis=1))
sd = 0.05
chosen = rng.choice([0, 1, 2, 3, 4, 6], size=180, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1])
rows = modes[chosen] + rng.normal(scale=sd, size=(180, 2))
rows = f32(np.concatenate([rows, rng.uniform(-0.4, 0.4, size=(20, 2))]))
nearest = cdist(rows, modes).argmin(axis=1)
good = cdist(rows, modes).min(axis=1) <= 3 * sd
counts = np.bincount(nearest[good], minlength=8)
q = counts[counts > 0] / good.sum()
fixtures["modes"] = {"modes": modes.tolist(), "sd": sd, "generated": rows.tolist(), "covered": int((counts > 0).sum()),
                     "high_quality": float(good.mean()), "reverse_kl": float(np.sum(q * np.log(q * 8))), "counts": counts.tolist()}

# Frechet distance (the FID formula, with scipy's matrix square root) between two 6-D feature samples.
a = f32(rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6)))
b = f32(rng.normal(size=(150, 6)) @ rng.normal(size=(6, 6)) + 0.5)
mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
root = sqrtm(cov_a @ cov_b).real
fixtures["frechet"] = {"a": a.tolist(), "b": b.tolist(),
                       "distance": float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))}


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


print(json.dumps(plain(fixtures), indent=1))
