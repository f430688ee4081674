#!/usr/bin/env python3
"""A PyTorch reference of the BAN chain of pipelines/ban-resnet.ts on CIFAR-10, for comparison.

teacher (labels) -> gen1 (KD from teacher) -> gen2 (KD from gen1) -> BANE (mean of the softmax
outputs of gen1 and gen2), per seed, with the recipe the pipeline trains:

- data: the official binary files, the first `--train` training and `--test` test records;
  per-channel mean/std (population std, byte units) of the training subset;
- augmentation: 4-pixel reflection padding, a random 32x32 crop, a horizontal flip with p=1/2;
  a new shuffle each epoch; the last, partial batch is kept;
- model: the CIFAR ResNet of He et al. (6n+2, 16/32/64 filters, option-A shortcuts: stride-2
  subsampling and zero-padded channels), convolutions without bias, batch norm momentum 0.1 and
  epsilon 1e-5; stride-2 convolutions pad one pixel on each side;
- initialisation: `--init he` (default, as the project's models): convolutions N(0, 2/(k*k*out)),
  the classifier U(+-1/sqrt(in)) with zero bias; `--init torch` keeps PyTorch's defaults;
- optimiser: SGD, Nesterov momentum 0.9, weight decay 5e-4 on every parameter, lr 0.1 times 0.2 at
  30/60/80 % of the epochs (epoch >= round(m * epochs));
- KD: cross-entropy against the teacher's softmax at T=1, no label term; the teacher sees the same
  augmented batch in eval mode (moving statistics);
- result: last-epoch test error in eval mode.

It also reports, per model, the test error with each batch norm's moving variance rescaled to the
biased batch variance (what tfjs-layers tracks) instead of PyTorch's unbiased one: the moving
average is linear in the batch variances, so with full batches scaling by (n-1)/n per layer gives
exactly the biased running variance.

    OMP_NUM_THREADS=1 python3 bench/evidence/ban_torch.py --data-dir ../shared/datasets \
        --depth 14 --train 512 --test 1000 --epochs 80 --batch-size 32 --seeds 3 --out torch.json

(the configuration of pipelines/params/ban-resnet-evidence.yaml; the defaults below are smaller).
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_cifar10(data_dir, n_train, n_test):
    base = os.path.join(data_dir, "cifar-10-batches-bin")

    def read(names):
        raw = np.concatenate(
            [np.fromfile(os.path.join(base, n), dtype=np.uint8).reshape(-1, 3073) for n in names]
        )
        return raw[:, 1:].reshape(-1, 3, 32, 32), raw[:, 0].astype(np.int64)

    names = sorted(n for n in os.listdir(base) if n.startswith("data_batch_"))
    xtr, ytr = read(names)
    xte, yte = read(["test_batch.bin"])
    return xtr[:n_train], ytr[:n_train], xte[:n_test], yte[:n_test]


class ShortcutA(nn.Module):
    def __init__(self, cout, stride):
        super().__init__()
        self.cout, self.stride = cout, stride

    def forward(self, x):
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        extra = self.cout - x.shape[1]
        lo = extra // 2
        return F.pad(x, (0, 0, 0, 0, lo, extra - lo))


def conv3(cin, cout, stride):
    return nn.Conv2d(cin, cout, 3, stride, 1, bias=False)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.b1 = conv3(cin, cout, stride), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.c2, self.b2 = conv3(cout, cout, 1), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.short = ShortcutA(cout, stride) if (stride > 1 or cin != cout) else nn.Identity()

    def forward(self, x):
        h = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(h)) + self.short(x))


class ResNet(nn.Module):
    def __init__(self, depth, classes=10, channels=(16, 32, 64)):
        super().__init__()
        n = (depth - 2) // 6
        self.conv0, self.bn0 = conv3(3, channels[0], 1), nn.BatchNorm2d(channels[0])
        blocks, cin = [], channels[0]
        for s, cout in enumerate(channels):
            for b in range(n):
                blocks.append(Block(cin, cout, 2 if s > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn0(self.conv0(x))))
        return self.fc(x.mean((2, 3)))


def he_init(model):
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            nn.init.normal_(m.weight, 0, math.sqrt(2 / k))
        elif isinstance(m, nn.Linear):
            b = 1 / math.sqrt(m.in_features)
            nn.init.uniform_(m.weight, -b, b)
            nn.init.zeros_(m.bias)


def augment(x, gen):
    """Reflection-pad 4, random crop, random flip, per example (x: N,3,32,32 float)."""
    n = x.shape[0]
    padded = F.pad(x, (4, 4, 4, 4), mode="reflect")
    dx = torch.randint(0, 9, (n,), generator=gen)
    dy = torch.randint(0, 9, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        c = padded[i, :, dy[i] : dy[i] + 32, dx[i] : dx[i] + 32]
        out[i] = c.flip(2) if flip[i] else c
    return out


@torch.no_grad()
def probs_of(model, x, batch):
    model.eval()
    return torch.cat([F.softmax(model(x[i : i + batch]), 1) for i in range(0, len(x), batch)])


def error_of(p, y):
    return 100.0 * (p.argmax(1) != y).float().mean().item()


@torch.no_grad()
def biased_variance_error(model, x, y, batch, sizes):
    """Test error with each BN's moving variance scaled by (n-1)/n (the biased statistic)."""
    saved = {}
    for name, m in model.named_modules():
        if isinstance(m, nn.BatchNorm2d):
            n = sizes[name]
            saved[name] = m.running_var.clone()
            m.running_var.mul_((n - 1) / n)
    err = error_of(probs_of(model, x, batch), y)
    for name, m in model.named_modules():
        if name in saved:
            m.running_var.copy_(saved[name])
    return err


def train(args, seed, xtr, ytr, xte, yte, teacher=None, log=None):
    torch.manual_seed(seed)
    model = ResNet(args.depth)
    if args.init == "he":
        he_init(model)
    opt = torch.optim.SGD(
        model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4
    )
    milestones = [math.floor(m * args.epochs + 0.5) for m in (0.3, 0.6, 0.8)]
    gen = torch.Generator().manual_seed(seed)
    # Elements per channel each BN normalises over in a full training batch.
    sizes, hooks = {}, []

    def record(name):
        def hook(mod, inp, out):
            sizes.setdefault(name, inp[0].numel() // inp[0].shape[1])

        return hook

    for name, m in model.named_modules():
        if isinstance(m, nn.BatchNorm2d):
            hooks.append(m.register_forward_hook(record(name)))
    started = time.time()
    for epoch in range(args.epochs):
        lr = args.lr * 0.2 ** sum(epoch >= max(1, m) for m in milestones)
        for g in opt.param_groups:
            g["lr"] = lr
        order = torch.randperm(len(xtr), generator=gen)
        total, count = 0.0, 0
        for i in range(0, len(xtr), args.batch_size):
            idx = order[i : i + args.batch_size]
            xb, yb = augment(xtr[idx], gen), ytr[idx]
            if teacher is not None:
                with torch.no_grad():
                    teacher.eval()
                    target = F.softmax(teacher(xb), 1)
            model.train()
            logits = model(xb)
            if teacher is None:
                loss = F.cross_entropy(logits, yb)
            else:
                loss = -(target * F.log_softmax(logits, 1)).sum(1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            count += len(idx)
            for h in hooks:
                h.remove()
            hooks = []
        if log and ((epoch + 1) % 10 == 0 or epoch + 1 == args.epochs):
            err = error_of(probs_of(model, xte, 500), yte)
            print(
                f"  epoch {epoch + 1}/{args.epochs} lr {lr:.4g} train loss {total / count:.4f} "
                f"test error {err:.2f} ({time.time() - started:.0f}s)",
                file=log,
                flush=True,
            )
    return model, sizes, total / count, time.time() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default="../shared/datasets")
    ap.add_argument("--depth", type=int, default=8)
    ap.add_argument("--train", type=int, default=1024)
    ap.add_argument("--test", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--init", choices=["he", "torch"], default="he")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    xtr8, ytr, xte8, yte = read_cifar10(args.data_dir, args.train, args.test)
    mean = xtr8.astype(np.float64).mean((0, 2, 3))
    std = xtr8.astype(np.float64).std((0, 2, 3))

    def norm(x8):
        x = (x8.astype(np.float32) - mean[None, :, None, None]) / std[None, :, None, None]
        return torch.from_numpy(x.astype(np.float32))

    xtr, xte = norm(xtr8), norm(xte8)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)

    runs = []
    for s in range(args.first_seed, args.first_seed + args.seeds):
        row = {"seed": s}
        teacher = None
        gens = []
        for k, step in enumerate(["teacher", "gen1", "gen2"]):
            print(f"seed {s} {step}", file=sys.stderr, flush=True)
            model, sizes, train_loss, secs = train(
                args, 1000 * s + k, xtr, ytr, xte, yte, teacher=teacher, log=sys.stderr
            )
            p = probs_of(model, xte, 500)
            row[step] = {
                "testError": error_of(p, yte),
                "trainError": error_of(probs_of(model, xtr, 500), ytr),
                "trainLoss": train_loss,
                "testErrorBiasedVariance": biased_variance_error(model, xte, yte, 500, sizes),
                "seconds": secs,
            }
            if k > 0:
                gens.append(p)
            teacher = model
        row["bane"] = {"testError": error_of(sum(gens) / len(gens), yte)}
        runs.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    summary = {}
    for step in ["teacher", "gen1", "gen2", "bane"]:
        errs = [r[step]["testError"] for r in runs]
        summary[step] = {
            "mean": statistics.mean(errs),
            "sd": statistics.stdev(errs) if len(errs) > 1 else 0.0,
        }
    out = {
        "config": vars(args),
        "torch": torch.__version__,
        "runs": runs,
        "summary": summary,
    }
    text = json.dumps(out, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print("| step | test error % (mean ± sd) |")
    print("| ---- | ----: |")
    for step, v in summary.items():
        print(f"| {step} | {v['mean']:.2f} ± {v['sd']:.2f} |")


if __name__ == "__main__":
    main()
