#!/usr/bin/python3
"""Reference values from Debian's PyTorch (python3-torch, libtorch 1.13) for the C# binding tests.

Run with /usr/bin/python3 from this folder; it rewrites pytorch_fixtures.json. Every input and
parameter is stored next to the outputs, so the C# side only needs PyTorch's RNG to agree where a
test says so (the 'init' section, which checks default initialization draw for draw).
"""
import json
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def layer_case(layer, x):
    layer.zero_grad()
    x = x.clone().requires_grad_(True)
    y = layer(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    case = {"input": t(x), "output": t(y), "grad_output": t(g), "grad_input": t(x.grad)}
    for name, p in layer.named_parameters():
        case[name] = t(p)
        case["grad_" + name] = t(p.grad)
    for name, b in layer.named_buffers():
        case["buffer_" + name] = t(b)
    return case


def loss_case(fn, x, target):
    x = x.clone().requires_grad_(True)
    y = fn(x, target)
    y.backward()
    return {"input": t(x), "target": t(target), "output": t(y), "grad_input": t(x.grad)}


def main():
    torch.manual_seed(1234)
    out = {"torch_version": torch.__version__}

    out["linear"] = layer_case(nn.Linear(5, 3), torch.randn(4, 5))
    out["conv2d"] = layer_case(nn.Conv2d(2, 3, 3, stride=2, padding=1), torch.randn(2, 2, 7, 7))
    out["conv_transpose2d"] = layer_case(nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), torch.randn(2, 3, 4, 4))

    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(3) + 0.5)
        bn.bias.copy_(torch.randn(3))
    x = torch.randn(4, 3, 5, 5) * 2 + 1
    out["batch_norm_train"] = layer_case(bn, x)  # buffers are after one training step
    bn.eval()
    out["batch_norm_eval"] = layer_case(bn, torch.randn(2, 3, 5, 5))

    probs = torch.rand(6, 1) * 0.98 + 0.01
    labels = (torch.rand(6, 1) > 0.5).double()
    out["bce"] = loss_case(F.binary_cross_entropy, probs, labels)
    out["bce_with_logits"] = loss_case(F.binary_cross_entropy_with_logits, torch.randn(6, 1) * 3, labels)
    out["mse"] = loss_case(F.mse_loss, torch.randn(4, 3), torch.randn(4, 3))

    # WGAN-GP gradient penalty on a small critic: needs a gradient of a gradient.
    critic = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    real, fake, alpha = torch.randn(5, 2), torch.randn(5, 2), torch.rand(5, 1)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    score = critic(mixed)
    (grad,) = torch.autograd.grad(score, mixed, torch.ones_like(score), create_graph=True)
    penalty = ((grad.norm(2, dim=1) - 1) ** 2).mean()
    penalty.backward()
    gp = {"real": t(real), "fake": t(fake), "alpha": t(alpha), "penalty": penalty.item()}
    for name, p in critic.named_parameters():
        gp[name] = t(p)
        if p.grad is not None:  # the last bias does not affect the input gradient
            gp["grad_" + name] = t(p.grad)
    out["gradient_penalty"] = gp

    # Default initialization, float32, draw for draw after manual_seed.
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(42)
    init = {}
    for key, layer in [("linear", nn.Linear(3, 4)), ("conv2d", nn.Conv2d(2, 3, 3)),
                       ("conv_transpose2d", nn.ConvTranspose2d(3, 2, 4)), ("embedding", nn.Embedding(5, 3))]:
        for name, p in layer.named_parameters():
            init[key + "." + name] = t(p)
    out["init"] = init

    # Optimizers: three steps on fixed gradients, float64.
    torch.set_default_dtype(torch.float64)
    start = torch.randn(3, 2)
    grads = [torch.randn(3, 2) for _ in range(3)]
    optim_cases = {"start": t(start), "grads": [t(g) for g in grads]}
    configs = {
        "adam": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.5, 0.999), weight_decay=1e-2),
        "adam_amsgrad": lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=1e-3),
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    }
    for name, make in configs.items():
        p = start.clone().requires_grad_(True)
        opt = make([p])
        for g in grads:
            opt.zero_grad()
            p.grad = g.clone()
            opt.step()
        optim_cases[name] = t(p)
    out["optimizers"] = optim_cases

    # Spectral normalization (torch.nn.utils.spectral_norm): one training forward (a power iteration) and backward,
    # from stored starting vectors u and v ("initial_weight_u", "initial_weight_v").
    torch.manual_seed(7)
    for key, layer, x in [("spectral_norm_linear", nn.Linear(5, 3), torch.randn(4, 5)),
                          ("spectral_norm_conv2d", nn.Conv2d(2, 3, 3, stride=2, padding=1), torch.randn(2, 2, 7, 7))]:
        layer = nn.utils.spectral_norm(layer)
        initial = {"initial_" + name: t(b) for name, b in layer.named_buffers()}
        out[key] = {**initial, **layer_case(layer, x)}
    # Its initialization, float32, draw for draw: the layer's weights, then u, then v.
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(42)
    layer = nn.utils.spectral_norm(nn.Linear(3, 4))
    out["init_spectral_norm"] = {name: t(p) for name, p in list(layer.named_parameters()) + list(layer.named_buffers())}

    with open("pytorch_fixtures.json", "w") as f:
        json.dump(out, f, indent=0)


if __name__ == "__main__":
    main()
