"""A training script for `skipjack run`, Python standard library only.

Fits a linear model to noisy synthetic data with minibatch SGD and momentum, and prints one
JSON metric line per epoch, e.g. {"epoch": 3, "val_loss": 0.41}. skipjack reads those lines:
each is a report its pruner sees, and the last is the trial's value. No skipjack import needed.

    skipjack run --storage sqlite:///sgd.db --study-name sgd --space space.yaml \\
      --metric val_loss --trials 30 --pruner median \\
      -- python3 train.py --lr {lr} --momentum {momentum} --batch-size {batch_size} --l2 {l2}
"""

import argparse
import json
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, required=True)
parser.add_argument("--momentum", type=float, default=0.0)
parser.add_argument("--batch-size", type=int, default=16)
parser.add_argument("--l2", type=float, default=0.0)
parser.add_argument("--epochs", type=int, default=20)
args = parser.parse_args()

# The same data for every trial: only the hyperparameters differ.
data_rng = random.Random(0)
FEATURES = 8
true_w = [data_rng.gauss(0, 1) for _ in range(FEATURES)]


def sample():
    x = [data_rng.gauss(0, 1) for _ in range(FEATURES)]
    return x, sum(a * b for a, b in zip(x, true_w)) + data_rng.gauss(0, 0.3)


train = [sample() for _ in range(256)]
valid = [sample() for _ in range(128)]


def mse(w, rows):
    return sum((sum(a * b for a, b in zip(x, w)) - y) ** 2 for x, y in rows) / len(rows)


rng = random.Random(int(os.environ.get("SKIPJACK_TRIAL_NUMBER", "0")))
w = [0.0] * FEATURES
velocity = [0.0] * FEATURES
for epoch in range(args.epochs):
    rng.shuffle(train)
    for start in range(0, len(train), args.batch_size):
        batch = train[start : start + args.batch_size]
        grad = [args.l2 * wi for wi in w]
        for x, y in batch:
            err = sum(a * b for a, b in zip(x, w)) - y
            for i in range(FEATURES):
                grad[i] += 2 * err * x[i] / len(batch)
        for i in range(FEATURES):
            velocity[i] = args.momentum * velocity[i] - args.lr * grad[i]
            w[i] += velocity[i]
    val_loss = mse(w, valid)
    if val_loss != val_loss or val_loss > 1e6:  # NaN or diverged: fail the trial
        raise SystemExit(f"diverged at epoch {epoch} (val_loss {val_loss})")
    print(json.dumps({"epoch": epoch, "val_loss": val_loss}))

# The trial's directory ($SKIPJACK_TRIAL_DIR) keeps what the trial leaves, e.g. its weights.
with open(os.path.join(os.environ.get("SKIPJACK_TRIAL_DIR", "."), "weights.json"), "w") as f:
    json.dump(w, f)
