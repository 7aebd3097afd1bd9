"""Optuna's time to load every trial of a study, measured like bench/storage.ts's load figure
(on the very database skipjack filled: the schema is Optuna's).
Usage: storage_load.py URL STUDY_NAME"""
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
url, name = sys.argv[1], sys.argv[2]
start = time.perf_counter()
storage = optuna.storages.RDBStorage(url, skip_compatibility_check=True)
study = optuna.load_study(study_name=name, storage=storage)
trials = study.get_trials(deepcopy=False)
elapsed = time.perf_counter() - start
print(json.dumps({"version": optuna.__version__, "seconds": elapsed, "trials": len(trials)}))
