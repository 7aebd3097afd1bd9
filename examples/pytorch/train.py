"""A PyTorch MLP on the digits shipped with skipjack, tuned by `skipjack run` with pruning.

Each epoch prints one JSON line, {"epoch": 3, "val_loss": 0.21, "val_acc": 0.94}, its
"epoch" counting the epochs done (1, 2, ...), which is the resource Hyperband's rungs count;
skipjack reports val_loss to its pruner after each line and stops the process group of a trial
the pruner gives up. CUDA_VISIBLE_DEVICES comes from --gpus (one GPU per slot); without a GPU
it trains on the CPU, one thread per trial, so that --concurrency K trials share K cores.

    skipjack run --storage sqlite:///digits.db --study-name digits-mlp \\
      --space examples/pytorch/space.yaml --metric val_loss --trials 40 \\
      --sampler tpe --pruner hyperband --gpus 0,1 \\
      -- python examples/pytorch/train.py --lr {lr} --layers {layers} --units {units} \\
         --dropout {dropout} --batch-size {batch_size} --out {trial_dir}
"""

import argparse
import gzip
import json
import os
from pathlib import Path

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--layers", type=int, default=2)
parser.add_argument("--units", type=int, default=64)
parser.add_argument("--dropout", type=float, default=0.0)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--epochs", type=int, default=20)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--out", default=os.environ.get("SKIPJACK_TRIAL_DIR", "."))
parser.add_argument(
    "--data", default=str(Path(__file__).resolve().parents[2] / "data" / "digits.csv.gz")
)
args = parser.parse_args()

# One CPU thread per trial: parallel slots would otherwise each start a thread per core and
# slow one another down. A GPU trial is unaffected.
torch.set_num_threads(args.threads)
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

with gzip.open(args.data, "rt") as f:
    rows = [[float(v) for v in line.split(",")] for line in f if line.strip()]
data = torch.tensor(rows)
x, y = data[:, :64] / 16.0, data[:, 64].long()
# The same split for every trial: 80 % to train, 20 % to validate.
order = torch.randperm(len(x), generator=torch.Generator().manual_seed(42))
cut = int(0.8 * len(x))
train_x, train_y = x[order[:cut]].to(device), y[order[:cut]].to(device)
val_x, val_y = x[order[cut:]].to(device), y[order[cut:]].to(device)

layers: list[nn.Module] = []
width = 64
for _ in range(args.layers):
    layers += [nn.Linear(width, args.units), nn.ReLU(), nn.Dropout(args.dropout)]
    width = args.units
model = nn.Sequential(*layers, nn.Linear(width, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, args.epochs + 1):
    model.train()
    perm = torch.randperm(len(train_x), device=device)
    for start in range(0, len(train_x), args.batch_size):
        idx = perm[start : start + args.batch_size]
        optimizer.zero_grad()
        loss_fn(model(train_x[idx]), train_y[idx]).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(val_x)
        val_loss = loss_fn(logits, val_y).item()
        val_acc = (logits.argmax(1) == val_y).float().mean().item()
    print(json.dumps({"epoch": epoch, "val_loss": val_loss, "val_acc": val_acc}), flush=True)

torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
