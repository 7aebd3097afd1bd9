"""Optuna GPSampler's own time per trial, measured like bench/run.ts measures skipjack's:
100-trial studies (seeds 0, 1, 2) on Branin and on Hartmann6, the time spent inside the
sampler's methods averaged over all trials and over the last 10, median over the three
studies. Needs Optuna >= 3.6 with torch (and greenlet, without which Optuna's L-BFGS-B runs
sequentially and about twice as slowly)."""
import json
import math
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


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


PROBLEMS = {
    "branin": (branin, [(-5.0, 10.0), (0.0, 15.0)]),
    "hartmann6": (hartmann6, [(0.0, 1.0)] * 6),
}


def measure(name, n_trials, seed):
    fn, space = PROBLEMS[name]
    sampler = optuna.samplers.GPSampler(seed=seed)
    spent = {}

    def timed(method):
        def wrapper(study, trial, *args):
            start = time.perf_counter()
            try:
                return method(study, trial, *args)
            finally:
                spent[trial.number] = spent.get(trial.number, 0.0) + time.perf_counter() - start
        return wrapper

    for attr in ("infer_relative_search_space", "sample_relative", "sample_independent",
                 "before_trial", "after_trial"):
        setattr(sampler, attr, timed(getattr(sampler, attr)))
    study = optuna.create_study(sampler=sampler)
    study.optimize(
        lambda t: fn([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(space)]),
        n_trials=n_trials,
    )
    ms = [spent.get(n, 0.0) * 1000 for n in range(n_trials)]
    return {"average": sum(ms) / n_trials, "last10": sum(ms[-10:]) / 10}


def median_of_studies(name):
    runs = [measure(name, 100, seed) for seed in range(3)]
    return {key: statistics.median(run[key] for run in runs) for key in ("average", "last10")}


names = sys.argv[1:] or list(PROBLEMS)
print(json.dumps({"version": optuna.__version__,
                  "problems": {name: median_of_studies(name) for name in names}}))
