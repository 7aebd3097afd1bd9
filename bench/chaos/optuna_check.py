"""Loads a study with Optuna and prints its trials' states and numbers as JSON (chaos run)."""
import json
import sys

import optuna
from optuna.storages import RDBStorage

optuna.logging.set_verbosity(optuna.logging.ERROR)
url, name = sys.argv[1], sys.argv[2]
# skipjack writes schema v3.2.0.a, which Optuna 3.1 reads but refuses by its version check.
study = optuna.load_study(study_name=name, storage=RDBStorage(url, skip_compatibility_check=True))
trials = study.get_trials(deepcopy=False)
print(json.dumps({
    "numbers": [t.number for t in trials],
    "states": [t.state.name for t in trials],
    "complete_without_value": sum(
        1 for t in trials if t.state.name == "COMPLETE" and t.value is None
    ),
}))
