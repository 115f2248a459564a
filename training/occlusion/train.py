#!/usr/bin/env python3
"""Trains the occlusion head on the samples written by scripts/train/occlusion-data.ts.

    python3 training/occlusion/train.py [--data DIR] [--out models/heads/occlusion] [--epochs N]

Input: 64x64x7 (RGB + left-eye, right-eye, nose, mouth region masks), output: the visible share of
each part (sigmoid), trained with binary cross-entropy on the pixel truth. The layer sequence must
match OCCLUSION_HEAD_LAYERS in lambda/engine/models/occlusion-head.ts. Exports the weights in the
TensorFlow.js weights format (manifest + one float32 shard) and writes training/occlusion/metrics.json
(validation figures on held-out train-split identities) for the model card.
Runs on the CPU with Debian's python3-torch (1.13); seeds are fixed.
"""
import argparse
import glob
import json
import os
import random
import time

import numpy as np
import torch
from torch import nn

SIZE = 64
CHANNELS = 7


class Head(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(CHANNELS, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv4 = nn.Conv2d(32, 48, 3, padding=1)
        self.conv5 = nn.Conv2d(48, 64, 3, padding=1)
        self.fc1 = nn.Linear(4 * 4 * 64, 64)
        self.fc2 = nn.Linear(64, 4)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu(self.conv1(x)))
        x = self.relu(self.conv2(x))
        x = self.pool(self.relu(self.conv3(x)))
        x = self.pool(self.relu(self.conv4(x)))
        x = self.pool(self.relu(self.conv5(x)))
        # NHWC flattening, as TensorFlow.js reshapes its NHWC tensor.
        x = x.permute(0, 2, 3, 1).flatten(1)
        x = self.relu(self.fc1(x))
        return self.fc2(x)  # logits; the sigmoid is applied at inference


def load(data_dir: str):
    xs, ys, ids = [], [], []
    for xf in sorted(glob.glob(os.path.join(data_dir, 'x-*.u8'))):
        shard = xf[len(os.path.join(data_dir, 'x-')):-3]
        x = np.fromfile(xf, dtype=np.uint8).reshape(-1, SIZE, SIZE, CHANNELS)
        y = np.fromfile(os.path.join(data_dir, f'y-{shard}.f32'), dtype=np.float32).reshape(-1, 4)
        with open(os.path.join(data_dir, f'meta-{shard}.jsonl')) as f:
            meta = [json.loads(line)['identity'] for line in f]
        assert len(x) == len(y) == len(meta), xf
        xs.append(x)
        ys.append(y)
        ids += meta
    return np.concatenate(xs), np.concatenate(ys), ids


def augment(x: torch.Tensor, y: torch.Tensor, gen: torch.Generator):
    n = x.shape[0]
    x = x.clone()
    y = y.clone()
    flip = torch.rand(n, generator=gen) < 0.5
    if flip.any():
        xf = x[flip].flip(3)
        xf[:, [3, 4]] = xf[:, [4, 3]]
        x[flip] = xf
        yf = y[flip]
        y[flip] = yf[:, [1, 0, 2, 3]]
    rgb = x[:, :3]
    # Exposure from about 1/12 to 1.4 times the photo's (log-uniform): dim faces are not occluded.
    gain = torch.exp(torch.empty(n, 1, 1, 1).uniform_(-2.5, 0.35, generator=gen))
    tint = 0.92 + 0.16 * torch.rand(n, 3, 1, 1, generator=gen)
    rgb = rgb * gain * tint
    gray = torch.rand(n, generator=gen) < 0.15
    if gray.any():
        luma = 0.299 * rgb[gray, 0] + 0.587 * rgb[gray, 1] + 0.114 * rgb[gray, 2]
        rgb[gray] = luma.unsqueeze(1).repeat(1, 3, 1, 1)
    rgb = rgb + 0.015 * torch.randn(rgb.shape, generator=gen)
    x[:, :3] = rgb.clamp(0, 1)
    return x, y


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join('/tmp', 'face-quality-train', 'occlusion'))
    ap.add_argument('--out', default=os.path.join('models', 'heads', 'occlusion'))
    ap.add_argument('--epochs', type=int, default=18)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--clean-repeat', type=int, default=3,
                    help='times each clean (unoccluded) training sample is drawn per epoch')
    args = ap.parse_args()

    random.seed(7)
    np.random.seed(7)
    torch.manual_seed(7)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(7)

    x, y, ids = load(args.data)
    people = sorted(set(ids))
    random.Random(7).shuffle(people)
    held = set(people[: max(1, len(people) // 10)])
    val = np.array([i in held for i in ids])
    print(f'{len(x)} samples, {len(people)} identities, {val.sum()} validation samples')
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()  # uint8 NCHW
    yt = torch.from_numpy(y)
    tr_idx = np.nonzero(~val)[0]
    clean_tr = tr_idx[y[tr_idx].min(1) > 0.999]
    va_idx = np.nonzero(val)[0]

    model = Head()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    steps = args.epochs * ((len(tr_idx) + (args.clean_repeat - 1) * len(clean_tr)) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=max(1, steps))
    loss_fn = nn.BCEWithLogitsLoss()

    def evaluate():
        model.eval()
        preds = []
        with torch.no_grad():
            for i in range(0, len(va_idx), 512):
                b = va_idx[i:i + 512]
                preds.append(torch.sigmoid(model(xt[b].float() / 255)))
        model.train()
        p = torch.cat(preds).numpy()
        t = y[va_idx]
        mae = float(np.abs(p - t).mean())
        clean = (t.min(1) > 0.999)
        clean_below = float((p[clean].min(1) < 0.8).mean()) if clean.any() else float('nan')
        return mae, clean_below, p, t

    started = time.time()
    step = 0
    for epoch in range(args.epochs):
        perm = np.random.permutation(np.concatenate([tr_idx] + [clean_tr] * (args.clean_repeat - 1)))
        total = 0.0
        for i in range(0, len(perm) - args.batch + 1, args.batch):
            b = perm[i:i + args.batch]
            xb, yb = augment(xt[b].float() / 255, yt[b], gen)
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step < steps:
                sched.step()
            step += 1
            total += float(loss) * len(b)
        mae, clean_below, _, _ = evaluate()
        print(f'epoch {epoch + 1}/{args.epochs}: loss {total / len(perm):.4f}, val MAE {mae:.4f}, '
              f'val clean with a part < 0.8 {clean_below:.3f} ({time.time() - started:.0f} s)', flush=True)

    mae, clean_below, p, t = evaluate()
    os.makedirs(args.out, exist_ok=True)
    tensors = []
    for name in ['conv1', 'conv2', 'conv3', 'conv4', 'conv5']:
        layer = getattr(model, name)
        tensors.append((f'{name}/kernel', layer.weight.detach().permute(2, 3, 1, 0).contiguous()))
        tensors.append((f'{name}/bias', layer.bias.detach()))
    for name in ['fc1', 'fc2']:
        layer = getattr(model, name)
        tensors.append((f'{name}/kernel', layer.weight.detach().t().contiguous()))
        tensors.append((f'{name}/bias', layer.bias.detach()))
    blob = b''.join(t_.numpy().astype('<f4').tobytes() for _, t_ in tensors)
    with open(os.path.join(args.out, 'occlusion.bin'), 'wb') as f:
        f.write(blob)
    manifest = [{
        'paths': ['occlusion.bin'],
        'weights': [{'name': n, 'shape': list(t_.shape), 'dtype': 'float32'} for n, t_ in tensors],
    }]
    with open(os.path.join(args.out, 'occlusion-weights_manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    covered = t < 0.5
    # A fixed input whose shares the TypeScript forward pass must reproduce
    # (test/integration/occlusion-head-parity.test.ts).
    model.eval()
    with torch.no_grad():
        h, w, c = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), torch.arange(CHANNELS), indexing='ij')
        probe = (0.5 + 0.5 * torch.sin(0.37 * h + 0.23 * w + 1.1 * c)).float().permute(2, 0, 1).unsqueeze(0)
        parity = torch.sigmoid(model(probe))[0].tolist()
    record = {
        'samples': int(len(x)),
        'identities': len(people),
        'validation_samples': int(len(va_idx)),
        'epochs': args.epochs,
        'clean_repeat': args.clean_repeat,
        'validation_mae': round(mae, 4),
        'validation_clean_any_part_below_0.8': round(clean_below, 4),
        'validation_covered_part_mean_prediction': round(float(p[covered].mean()), 4) if covered.any() else None,
        'train_seconds': round(time.time() - started),
        'torch': torch.__version__,
        'parity_probe_shares': [round(v, 6) for v in parity],
    }
    # Kept beside this script, not in the models layer.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'metrics.json'), 'w') as f:
        json.dump(record, f, indent=2)
    print(json.dumps(record))


if __name__ == '__main__':
    main()
