"""Optuna GPSampler's whole-trial wall time, measured as bench/gp.ts measures skipjack's: one
study of N trials on Hartmann6 (6 floats, objective free), each trial timed from `ask` to the
end of `tell` (what a user waits for), and the mean over each window [from, to) of trials; also
the process's CPU time over the same spans (all threads), which a loaded machine inflates less.

Usage: gp_overhead.py TRIALS SEED THREADS FROM-TO [FROM-TO ...]
THREADS is "default" (PyTorch's own choice, one thread per core) or a number passed to
torch.set_num_threads. On a loaded machine PyTorch's default threads wait on each other for
cores: at trials 90-100 on the 2-core development machine, 2 threads took twice as long as 1.
Needs Optuna >= 3.6 with torch, scipy and greenlet (without greenlet Optuna's acquisition
local searches run one after another, about twice as slowly). Prints one JSON line.
"""
import json
import math
import sys
import time

import optuna
import torch

optuna.logging.set_verbosity(optuna.logging.WARNING)

ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
     [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
     [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
     [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6)))
                for i in range(4))


def main():
    trials, seed, threads = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    windows = [tuple(int(v) for v in w.split("-")) for w in sys.argv[4:]]
    if threads != "default":
        torch.set_num_threads(int(threads))
    try:
        import greenlet  # noqa: F401
        has_greenlet = True
    except ImportError:
        has_greenlet = False
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    ms = []
    cpu = []
    for _ in range(trials):
        start = time.perf_counter()
        start_cpu = time.process_time()
        trial = study.ask()
        value = hartmann6([trial.suggest_float(f"x{j}", 0.0, 1.0) for j in range(6)])
        study.tell(trial, value)
        ms.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(json.dumps({
        "version": optuna.__version__,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "greenlet": has_greenlet,
        "windows": [sum(ms[a:b]) / (b - a) for a, b in windows],
        "cpuWindows": [sum(cpu[a:b]) / (b - a) for a, b in windows],
        "best": study.best_value,
    }))


main()
