"""Optuna's side of the interoperability tests (run with the Python that has Optuna 3.1).

  interop.py create URL      -- creates studies covering every field, prints nothing
  interop.py dump URL [skip] -- prints every study and trial as JSON (skip: skip the schema check)
  interop.py continue URL N  -- runs N more trials of each study
  interop.py check URL       -- opens the storage normally; prints {"ok": ..., "error": ...}
"""
import json
import math
import sys

import optuna
from optuna.storages import RDBStorage
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)


def storage(url, skip=False):
    return RDBStorage(url, skip_compatibility_check=skip)


def single_objective(trial):
    x = trial.suggest_float("x", -10, 10)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0, 1, step=0.25)
    n = trial.suggest_int("n", 1, 9, step=2)
    m = trial.suggest_int("m", 1, 1024, log=True)
    c = trial.suggest_categorical("c", ["adam", 'sg"d;', 3, 2.5, None, True])
    trial.set_user_attr("note", "h\u00e9llo \u2603 'q' \"dq\"; --")
    trial.set_user_attr("nested", {"a": [1, 2.5, None, True], "b": {"c": "d"}})
    for step in range(3):
        trial.report(x * (step + 1), step)
    if trial.number % 5 == 3:
        raise optuna.TrialPruned()
    if trial.number % 5 == 4:
        raise ValueError("failed on purpose")
    return (x - 1) ** 2 + lr + q + n + math.log(m) + (0 if c == "adam" else 1)


def two_objectives(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_int("y", 0, 3)
    if trial.number == 2:
        return float("inf"), float("-inf")
    return x + y, (5 - x) ** 2


def create(url):
    s = storage(url)
    study = optuna.create_study(storage=s, study_name="single", direction="minimize")
    study.set_user_attr("owner", "r\u00e9mi")
    study.set_system_attr("sys", [1, 2])
    study.optimize(single_objective, n_trials=10, catch=(ValueError,))
    # intermediate values Optuna encodes: inf, -inf, nan
    t = study.ask()
    t.suggest_float("x", -10, 10)
    t.report(float("inf"), 0)
    t.report(float("-inf"), 1)
    t.report(float("nan"), 2)
    study.tell(t, state=TrialState.PRUNED)
    study.enqueue_trial({"x": 0.5, "c": "adam"}, user_attrs={"enqueued": True})
    multi = optuna.create_study(storage=s, study_name="multi", directions=["minimize", "maximize"])
    multi.optimize(two_objectives, n_trials=5)


def number(x):
    if x is None:
        return None
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def dt(d):
    return None if d is None else d.isoformat(sep=" ", timespec="microseconds")


def dump(url, skip=False):
    s = storage(url, skip)
    out = []
    for summary in optuna.get_all_study_summaries(s, include_best_trial=False):
        study = optuna.load_study(study_name=summary.study_name, storage=s)
        trials = []
        for t in study.get_trials(deepcopy=False):
            trials.append(
                {
                    "number": t.number,
                    "state": t.state.name,
                    "values": None if t.values is None else [number(v) for v in t.values],
                    "datetime_start": dt(t.datetime_start),
                    "datetime_complete": dt(t.datetime_complete),
                    "params": t.params,
                    "distributions": {
                        k: optuna.distributions.distribution_to_json(d)
                        for k, d in t.distributions.items()
                    },
                    "user_attrs": t.user_attrs,
                    "system_attrs": t.system_attrs,
                    "intermediate_values": {str(k): number(v) for k, v in t.intermediate_values.items()},
                }
            )
        out.append(
            {
                "study_name": study.study_name,
                "directions": [d.name for d in study.directions],
                "user_attrs": study.user_attrs,
                "system_attrs": study.system_attrs,
                "trials": trials,
            }
        )
    print(json.dumps(out))


def cont(url, n):
    s = storage(url)
    single = optuna.load_study(study_name="single", storage=s)
    single.optimize(single_objective, n_trials=n, catch=(ValueError,))
    multi = optuna.load_study(study_name="multi", storage=s)
    multi.optimize(two_objectives, n_trials=n)


def check(url):
    try:
        s = storage(url)
        print(json.dumps({"ok": True, "revision": s.get_current_version()}))
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"ok": False, "error": str(e)}))


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2]
    if command == "create":
        create(url)
    elif command == "dump":
        dump(url, len(sys.argv) > 3 and sys.argv[3] == "skip")
    elif command == "continue":
        cont(url, int(sys.argv[3]))
    elif command == "check":
        check(url)
    else:
        raise SystemExit("unknown command " + command)
