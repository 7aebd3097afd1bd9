"""Optuna's SQLite whole-trial overhead, measured like bench/storage.ts: ms per trial over
trials 201-300 of a 300-trial study, RandomSampler, six float parameters, a trivial objective.
Usage: storage_overhead.py PATH_PREFIX (a file path; one database per repeat is made there)."""
import json
import os
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def measure(path: str, seed: int) -> float:
    if os.path.exists(path):
        os.remove(path)
    marks = {}

    def objective(trial: optuna.Trial) -> float:
        if trial.number == 200:
            marks["start"] = time.perf_counter()
        return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(6))

    study = optuna.create_study(
        storage=f"sqlite:///{path}",
        sampler=optuna.samplers.RandomSampler(seed=seed),
        pruner=optuna.pruners.NopPruner(),
    )
    study.optimize(objective, n_trials=300)
    elapsed = (time.perf_counter() - marks["start"]) / 100 * 1000
    os.remove(path)
    return elapsed


prefix = sys.argv[1]
samples = [measure(f"{prefix}-{seed}", seed) for seed in range(3)]
print(json.dumps({"version": optuna.__version__, "msPerTrial": statistics.median(samples)}))
