#!/usr/bin/env python3
"""Load a ResNet exported by `deno task export` into an equivalent PyTorch model and reproduce
born-again's test error on the same test images.

    deno task export pipelines/ban-resnet.ts gen1 --format safetensors --out out/gen1
    python3 docs/export_pytorch.py out/gen1 --cifar-dir ~/.cache/born-again/data/cifar-100-binary

The export folder holds the weights (model.safetensors or model.npz; NumPy reads both, no other
package needed), export.json (the model's params and born-again's result) and preprocessing.json
(per-channel mean/std in byte units). An exported ensemble (ensemble.json) averages its members'
softmax outputs. Images come from the official CIFAR binary test file, or from an .npz holding
`x` (N, H, W, C, already normalised) and `y` (labels). Exits 1 when the error differs.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_weights(folder):
    """{name: float32 array} from model.safetensors or model.npz, TensorFlow layout."""
    path = os.path.join(folder, "model.safetensors")
    if os.path.exists(path):
        with open(path, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        out = {}
        for name, spec in header.items():
            if name == "__metadata__":
                continue
            a, b = spec["data_offsets"]
            out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], "<f4").reshape(spec["shape"])
        return out
    with np.load(os.path.join(folder, "model.npz")) as z:
        return {k: z[k] for k in z.files}


class BN(nn.BatchNorm2d):
    """Batch norm as born-again's (epsilon 1e-5), loaded from gamma/beta/moving statistics."""

    def __init__(self, c):
        super().__init__(c, eps=1e-5)

    def load(self, w, name):
        for attr, key in (("weight", "gamma"), ("bias", "beta"),
                          ("running_mean", "moving_mean"), ("running_var", "moving_variance")):
            getattr(self, attr).data.copy_(torch.from_numpy(w[f"{name}/{key}"].copy()))


def conv(cin, cout, k, stride=1):
    return nn.Conv2d(cin, cout, k, stride, padding=(k - 1) // 2, bias=False)


def load_conv(m, w, name):
    m.weight.data.copy_(torch.from_numpy(w[f"{name}/kernel"].transpose(3, 2, 0, 1).copy()))


class Block(nn.Module):
    """One basic block of plugins/models/resnet.ts (post- or pre-activation, shortcut A or B)."""

    def __init__(self, name, cin, cout, stride, preact, shortcut):
        super().__init__()
        self.name, self.preact, self.stride, self.cin, self.cout = name, preact, stride, cin, cout
        self.pre = BN(cin) if preact else None
        self.conv1, self.bn1 = conv(cin, cout, 3, stride), BN(cout)
        self.conv2 = conv(cout, cout, 3)
        self.bn2 = None if preact else BN(cout)
        changes = stride > 1 or cin != cout
        self.option_a = changes and shortcut == "A"
        self.proj = conv(cin, cout, 1, stride) if changes and shortcut == "B" else None
        self.proj_bn = BN(cout) if self.proj is not None and not preact else None

    def load(self, w):
        n = self.name
        if self.pre is not None:
            self.pre.load(w, f"{n}_pre_bn")
        load_conv(self.conv1, w, f"{n}_conv1")
        self.bn1.load(w, f"{n}_conv1_bn")
        load_conv(self.conv2, w, f"{n}_conv2")
        if self.bn2 is not None:
            self.bn2.load(w, f"{n}_conv2_bn")
        if self.proj is not None:
            load_conv(self.proj, w, f"{n}_shortcut")
        if self.proj_bn is not None:
            self.proj_bn.load(w, f"{n}_shortcut_bn")

    def forward(self, x):
        pre = F.relu(self.pre(x)) if self.pre is not None else x
        h = self.conv2(F.relu(self.bn1(self.conv1(pre))))
        if self.bn2 is not None:
            h = self.bn2(h)
        s = x
        if self.option_a:
            # Subsample with the stride, zero-pad channels evenly on both sides.
            s = x[:, :, ::self.stride, ::self.stride]
            extra = self.cout - self.cin
            s = F.pad(s, (0, 0, 0, 0, extra // 2, extra - extra // 2))
        elif self.proj is not None:
            s = self.proj(pre)
            if self.proj_bn is not None:
                s = self.proj_bn(s)
        out = h + s
        return out if self.preact else F.relu(out)


class ResNet(nn.Module):
    """The CIFAR ResNet of plugins/models/resnet.ts, NCHW, returning logits."""

    def __init__(self, p, in_channels, classes):
        super().__init__()
        self.preact = p["preact"]
        stem = p["stemChannels"] or p["channels"][0]
        self.conv0 = conv(in_channels, stem, 3)
        self.bn0 = None if self.preact else BN(stem)
        n = (p["depth"] - 2) // (2 * len(p["channels"]))
        blocks, cin = [], stem
        for s, cout in enumerate(p["channels"]):
            for b in range(n):
                stride = 2 if s > 0 and b == 0 else 1
                blocks.append(Block(f"s{s + 1}b{b + 1}", cin, cout, stride, self.preact,
                                    p["shortcut"]))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.final = BN(cin) if self.preact else None
        self.fc = nn.Linear(cin, classes)

    def load(self, w):
        load_conv(self.conv0, w, "conv0")
        if self.bn0 is not None:
            self.bn0.load(w, "conv0_bn")
        for b in self.blocks:
            b.load(w)
        if self.final is not None:
            self.final.load(w, "final_bn")
        self.fc.weight.data.copy_(torch.from_numpy(w["fc/kernel"].T.copy()))
        self.fc.bias.data.copy_(torch.from_numpy(w["fc/bias"].copy()))

    def forward(self, x):
        x = self.conv0(x)
        if self.bn0 is not None:
            x = F.relu(self.bn0(x))
        x = self.blocks(x)
        if self.final is not None:
            x = F.relu(self.final(x))
        return self.fc(x.mean(dim=(2, 3)))


def load_model(folder):
    info = json.load(open(os.path.join(folder, "export.json")))
    if info["model"]["name"] != "resnet":
        sys.exit(f"{folder}: this example rebuilds ResNets, not {info['model']['name']}")
    w = read_weights(folder)
    in_channels, classes = w["conv0/kernel"].shape[2], w["fc/bias"].shape[0]
    model = ResNet(info["model"]["params"], in_channels, classes)
    model.load(w)
    return model.eval(), info


def cifar_test_images(pre, data_dir):
    """The official CIFAR binary test file, normalised as preprocessing.json says (NCHW)."""
    name, params = pre["dataset"]["name"], pre["dataset"]["params"]
    if name == "cifar10":
        path, labels, label = os.path.join(data_dir, "test_batch.bin"), 1, 0
    else:
        fine = params.get("labels", "fine") == "fine"
        path, labels, label = os.path.join(data_dir, "test.bin"), 2, 1 if fine else 0
    raw = np.fromfile(path, np.uint8).reshape(-1, labels + 3072)
    if params.get("test"):
        raw = raw[:params["test"]]
    x = raw[:, labels:].reshape(-1, 3, 32, 32).astype(np.float32)  # CIFAR is stored CHW
    norm = pre["normalization"]
    mean = np.array(norm["mean"], np.float32)[None, :, None, None]
    std = np.array(norm["std"], np.float32)[None, :, None, None]
    return (x - mean) / std, raw[:, label].astype(np.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="an export folder (deno task export … --out FOLDER)")
    ap.add_argument("--cifar-dir", help="folder with the CIFAR binary test file")
    ap.add_argument("--images", help=".npz with x (N, H, W, C, normalised) and y")
    ap.add_argument("--logits-out", help="write the logits (or mean probabilities) as .npy")
    a = ap.parse_args()
    pre = json.load(open(os.path.join(a.folder, "preprocessing.json")))
    if a.images:
        with np.load(a.images) as z:
            x = np.ascontiguousarray(z["x"].transpose(0, 3, 1, 2), np.float32)
            y = z["y"].astype(np.int64)
    elif a.cifar_dir:
        x, y = cifar_test_images(pre, a.cifar_dir)
    else:
        sys.exit("give --cifar-dir DIR or --images FILE.npz")

    ens_path = os.path.join(a.folder, "ensemble.json")
    ensemble = json.load(open(ens_path)) if os.path.exists(ens_path) else None
    folders = [os.path.join(a.folder, m["dir"]) for m in ensemble["members"]] if ensemble else [
        a.folder]
    outs = []
    with torch.no_grad():
        for f in folders:
            model, info = load_model(f)
            logits = torch.cat([model(torch.from_numpy(x[i:i + 256]))
                                for i in range(0, len(x), 256)])
            # An ensemble averages its members' softmax outputs (BANE).
            outs.append(torch.softmax(logits, 1) if ensemble else logits)
    out = torch.stack(outs).mean(0).numpy()
    if a.logits_out:
        np.save(a.logits_out, out)
    errors = int((out.argmax(1) != y).sum())
    error = 100 * errors / len(y)  # percent, as born-again reports it
    theirs = ((ensemble or info)["result"] or {}).get("testError")
    print(json.dumps({"images": len(y), "errors": errors, "testError": error,
                      "bornAgainTestError": theirs}))
    if theirs is not None and round(theirs * len(y) / 100) != errors:
        print(f"test error {error:.2f}% differs from born-again's {theirs:.2f}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
