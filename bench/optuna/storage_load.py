"""Optuna's time to load every trial of a study, measured like bench/storage.ts's load figure
(on the very database skipjack filled: the schema is Optuna's): a new RDBStorage, then
load_study and get_trials, timed REPEATS times (default 3); the median.
Usage: storage_load.py URL STUDY_NAME [REPEATS]"""
import json
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
url, name = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
samples = []
count = 0
for _ in range(repeats):
    start = time.perf_counter()
    storage = optuna.storages.RDBStorage(url, skip_compatibility_check=True)
    study = optuna.load_study(study_name=name, storage=storage)
    trials = study.get_trials(deepcopy=False)
    samples.append(time.perf_counter() - start)
    count = len(trials)
    storage.engine.dispose()
print(
    json.dumps(
        {
            "version": optuna.__version__,
            "seconds": statistics.median(samples),
            "trials": count,
            "repeats": repeats,
        }
    )
)
