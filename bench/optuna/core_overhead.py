"""Optuna's whole-trial overhead, measured like bench/core.ts: ms per trial over trials
900-1000 of a 1000-trial study, RandomSampler, in-memory storage, six float parameters."""
import json
import statistics
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def measure(seed: int) -> float:
    marks = {}

    def objective(trial: optuna.Trial) -> float:
        if trial.number == 900:
            marks["start"] = time.perf_counter()
        return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(6))

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=1000)
    return (time.perf_counter() - marks["start"]) / 100 * 1000


samples = [measure(seed) for seed in range(3)]
print(json.dumps({"version": optuna.__version__, "msPerTrial": statistics.median(samples)}))
