"""Times Optuna's plotly figures on a synthetic study like bench/figures.ts builds (same
parameters, states, constraints and intermediate values); prints one JSON line.

Usage: figures.py N_TRIALS. Figures this Optuna lacks are skipped. Contour (a grid line per distinct value: 10,000 x 10,000 cells),
parameter importances (fANOVA, minutes) and the terminator (a GP fit per trial) are not timed.
"""
import datetime
import json
import math
import random
import sys
import time
import warnings

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial
import optuna.visualization as vis

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def build(n, directions):
    rng = random.Random(1)
    study = optuna.create_study(directions=directions)
    start = datetime.datetime(2026, 1, 1)
    dists = {
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "layers": IntDistribution(1, 6),
        "batch": IntDistribution(16, 512, log=True),
        "optimizer": CategoricalDistribution(["adam", "sgd", "rms"]),
    }
    trials = []
    for i in range(n - 5):
        params = {
            "lr": 10 ** (-5 + 4 * rng.random()),
            "layers": 1 + int(6 * rng.random()),
            "batch": round(2 ** (4 + 5 * rng.random())),
            "optimizer": ["adam", "sgd", "rms"][int(3 * rng.random())],
        }
        d = dict(dists)
        if params["optimizer"] == "sgd":
            params["momentum"] = 0.99 * rng.random()
            d["momentum"] = FloatDistribution(0, 0.99)
        x = math.log10(params["lr"]) + 3
        values = [x * x + 0.1 * params["layers"] + 0.3 * rng.random(), 4 - x + 0.2 * rng.random()]
        values = [v if dd == "minimize" else -v for v, dd in zip(values, directions)]
        roll = rng.random()
        state = TrialState.FAIL if roll < 0.05 else TrialState.PRUNED if roll < 0.13 else TrialState.COMPLETE
        steps = 3 if state == TrialState.PRUNED else 8
        iv = {} if state == TrialState.FAIL else {s: values[0] + 2 / (s + 1) for s in range(steps)}
        sysattrs = {}
        if state == TrialState.COMPLETE and rng.random() < 0.2:
            sysattrs["constraints"] = [0.5 if rng.random() < 1 / 3 else -0.5]
        t0 = start + datetime.timedelta(minutes=i)
        trials.append(
            create_trial(
                state=state,
                values=values if state == TrialState.COMPLETE else None,
                params=params,
                distributions=d,
                intermediate_values=iv,
                system_attrs=sysattrs,
            )
        )
        trials[-1].datetime_start = t0
        trials[-1].datetime_complete = t0 + datetime.timedelta(seconds=55)
    study.add_trials(trials)
    return study


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main():
    n = int(sys.argv[1])
    single = build(n, ["minimize"])
    multi = build(n, ["minimize", "maximize"])
    plots = {
        "optimization history": ("plot_optimization_history", (single,)),
        "intermediate values": ("plot_intermediate_values", (single,)),
        "parallel coordinate": ("plot_parallel_coordinate", (single,)),
        "slice": ("plot_slice", (single,)),
        "EDF": ("plot_edf", (single,)),
        "rank": ("plot_rank", (single,)),
        "timeline": ("plot_timeline", (single,)),
        "Pareto front (2 objectives)": ("plot_pareto_front", (multi,)),
        "hypervolume history": ("plot_hypervolume_history", (multi, [10, -10])),
    }
    times = {}
    for name, (function, args) in plots.items():
        # Optuna 3.1 has no plot_rank or plot_timeline (3.2 added them).
        if hasattr(vis, function):
            times[name] = timed(lambda: getattr(vis, function)(*args))
    print(json.dumps({"version": optuna.__version__, "times": times}))


main()
