"""PyTorch side of bench/onednn.ts: the same models and training steps, driven over stdin.

Each input line is `<model> <batch> <steps>`; after a warm-up of the model the first time it is
named, the script runs <steps> training steps and prints one JSON line with the time per step and
the model's trainable parameter count (the bench checks it against its own).
The models mirror bench/onednn.ts exactly (layer for layer, same initial scheme does not matter
for speed). Threads: BENCH_THREADS (default 2).
"""

import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))


class Block(nn.Module):
    def __init__(self, cin, cout, stride, widen_bn_first=False):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (self.proj(x) if self.proj is not None else x))


class ResNet(nn.Module):
    """CIFAR ResNet-(6n+2) with 1x1 projection shortcuts: the project's resnet plugin with
    shortcut "B", as bench/onednn.ts builds it."""

    def __init__(self, n=3, width=16, classes=10):
        super().__init__()
        self.c0 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        self.b0 = nn.BatchNorm2d(width)
        blocks, cin = [], width
        for stage in range(3):
            cout = width << stage
            for b in range(n):
                blocks.append(Block(cin, cout, 2 if stage > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.b0(self.c0(x)))
        x = self.blocks(x)
        return self.fc(x.mean((2, 3)))


class WideBlock(nn.Module):
    """Pre-activation wide block (Zagoruyko and Komodakis 2016), no dropout."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.b1 = nn.BatchNorm2d(cin)
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.proj = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        o = F.relu(self.b1(x))
        y = self.c2(F.relu(self.b2(self.c1(o))))
        return y + (self.proj(o) if self.proj is not None else x)


class WRN(nn.Module):
    def __init__(self, depth=16, k=4, classes=10):
        super().__init__()
        n = (depth - 4) // 6
        self.c0 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        blocks, cin = [], 16
        for stage in range(3):
            cout = (16 << stage) * k
            for b in range(n):
                blocks.append(WideBlock(cin, cout, 2 if stage > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.bn = nn.BatchNorm2d(cin)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.blocks(self.c0(x))))
        return self.fc(x.mean((2, 3)))


class DenseLayer(nn.Module):
    """DenseNet-BC layer: BN-ReLU-1x1 conv (4k maps), BN-ReLU-3x3 conv (k maps), concatenated."""

    def __init__(self, cin, k):
        super().__init__()
        self.b1 = nn.BatchNorm2d(cin)
        self.c1 = nn.Conv2d(cin, 4 * k, 1, bias=False)
        self.b2 = nn.BatchNorm2d(4 * k)
        self.c2 = nn.Conv2d(4 * k, k, 3, 1, 1, bias=False)

    def forward(self, x):
        h = self.c1(F.relu(self.b1(x)))
        h = self.c2(F.relu(self.b2(h)))
        return torch.cat([x, h], 1)


class DenseNet(nn.Module):
    """DenseNet-BC for CIFAR as plugins/models/densenet.ts builds it (stem of 2k maps, 3 blocks,
    transitions BN-ReLU-1x1 conv keeping floor(c/2) maps then 2x2 average pooling)."""

    def __init__(self, depth=40, k=12, classes=10):
        super().__init__()
        n = (depth - 4) // 3 // 2
        c = 2 * k
        self.c0 = nn.Conv2d(3, c, 3, 1, 1, bias=False)
        layers = []
        for blk in range(3):
            for _ in range(n):
                layers.append(DenseLayer(c, k))
                c += k
            if blk < 2:
                nxt = c // 2
                layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, nxt, 1, bias=False),
                           nn.AvgPool2d(2)]
                c = nxt
        self.features = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.features(self.c0(x))))
        return self.fc(x.mean((2, 3)))


class LSTMLM(nn.Module):
    """Two-layer LSTM language model (Zaremba et al. 2014, medium: 650 units), untied."""

    def __init__(self, vocab=10000, units=650, layers=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, units)
        self.lstm = nn.LSTM(units, units, layers, batch_first=True)
        self.out = nn.Linear(units, vocab)

    def forward(self, x):
        h, _ = self.lstm(self.emb(x))
        return self.out(h)


def image_step(model, batch):
    x = torch.randn(batch, 3, 32, 32)
    y = torch.arange(batch) % 10
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def lstm_step(model, batch, steps=35, vocab=10000):
    x = torch.randint(0, vocab, (batch, steps))
    y = torch.randint(0, vocab, (batch, steps))
    opt = torch.optim.SGD(model.parameters(), lr=1.0)

    def step():
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return loss.item()

    return step


MODELS = {
    "resnet20": lambda: ResNet(3),
    "wrn16_4": lambda: WRN(16, 4),
    "densenet40": lambda: DenseNet(40, 12),
    "lstm": lambda: LSTMLM(),
}

params_by_key = {}
steps_by_key = {}
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    name, batch, steps = parts[0], int(parts[1]), int(parts[2])
    key = (name, batch)
    if key not in steps_by_key:
        torch.manual_seed(1)
        model = MODELS[name]()
        model.train()
        params_by_key[key] = sum(p.numel() for p in model.parameters() if p.requires_grad)
        steps_by_key[key] = lstm_step(model, batch) if name == "lstm" else image_step(model, batch)
        for _ in range(2):
            steps_by_key[key]()
    step = steps_by_key[key]
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    ms = (time.perf_counter() - t0) * 1000 / steps
    print(json.dumps({"model": name, "batch": batch, "msPerStep": ms, "loss": loss,
                      "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "params": params_by_key[key]}), flush=True)
