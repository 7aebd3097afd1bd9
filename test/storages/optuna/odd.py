"""Studies Optuna 3.1 writes that are unusual but valid (run with the Python that has Optuna).

  odd.py create URL  -- creates study "odd": categorical choices with duplicates, None twice,
                        NaN and +-inf; a COMPLETE trial whose value is NaN (add_trial)
  odd.py params URL  -- prints each trial's params of study "odd" as JSON (non-finite floats
                        as "NaN" / "Infinity" / "-Infinity"), read through Optuna's storage
"""
import json
import math
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.storages import RDBStorage

optuna.logging.set_verbosity(optuna.logging.ERROR)


def create(url):
    study = optuna.create_study(storage=RDBStorage(url), study_name="odd", direction="maximize")
    t = study.ask()
    t.suggest_categorical("dup", ["a", "a"])
    study.tell(t, 1.0)
    t = study.ask()
    t.suggest_categorical("none", [None, None])
    study.tell(t, 2.0)
    t = study.ask()
    t.suggest_categorical("odd", [float("nan"), float("inf"), float("-inf"), 1.5])
    study.tell(t, 3.0)
    study.add_trial(
        optuna.trial.create_trial(
            params={"x": 0.5},
            distributions={"x": FloatDistribution(0, 1)},
            value=float("nan"),
        )
    )
    # Every choice of the odd distribution, the NaN one included.
    for value in [float("nan"), float("inf"), float("-inf"), 1.5]:
        study.add_trial(
            optuna.trial.create_trial(
                params={"odd": value},
                distributions={
                    "odd": CategoricalDistribution(
                        [float("nan"), float("inf"), float("-inf"), 1.5]
                    )
                },
                value=4.0,
            )
        )


def number(x):
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    if isinstance(x, float) and math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def params(url):
    storage = RDBStorage(url)
    out = []
    # Trial by trial: Optuna 3.1 itself cannot read back a NaN objective value from SQLite
    # (stored as NULL), so get_all_trials would fail on the whole study.
    for trial_id in range(1, 100):
        try:
            t = storage.get_trial(trial_id)
        except KeyError:  # no more trials (the database holds study "odd" only)
            break
        except AssertionError:
            out.append(None)
            continue
        out.append({k: number(v) for k, v in t.params.items()})
    print(json.dumps(out))


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2]
    if command == "create":
        create(url)
    elif command == "params":
        params(url)
