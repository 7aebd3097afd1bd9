"""Optuna's whole-trial overhead, measured like bench/core.ts: ms per trial over trials
900-1000 of a 1000-trial study, RandomSampler, in-memory storage, six float parameters; the
median over REPEATS studies (default 9) of the wall time, and of the process's CPU time.
Usage: core_overhead.py [REPEATS]"""
import json
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def measure(seed: int) -> tuple[float, float]:
    marks = {}

    def objective(trial: optuna.Trial) -> float:
        if trial.number == 900:
            marks["start"] = time.perf_counter()
            marks["cpu"] = time.process_time()
        return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(6))

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=1000)
    wall = (time.perf_counter() - marks["start"]) / 100 * 1000
    cpu = (time.process_time() - marks["cpu"]) / 100 * 1000
    return wall, cpu


repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 9
samples = [measure(seed) for seed in range(repeats)]
print(
    json.dumps(
        {
            "version": optuna.__version__,
            "msPerTrial": statistics.median(s[0] for s in samples),
            "cpuMsPerTrial": statistics.median(s[1] for s in samples),
        }
    )
)
