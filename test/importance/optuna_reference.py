"""Parameter importances computed by Optuna for trials given as JSON on stdin.

Input: a list of cases, each {"directions": [...], "trials": [{"params": {...},
"distributions": {name: json}, "values": [...]}], "evaluator": "fanova" | "ped-anova" | "mdi",
"seed": int, "params": [...] | null, "target_index": int | null, "repeat": int,
"normalize": bool, "options": {...} (keyword arguments of PedAnovaImportanceEvaluator)}.
Output: a list of {"importances": {...}, "seconds": float, "version": str}, where seconds is the
mean wall time of one get_param_importances call over `repeat` calls (building the study is not
timed).
"""

import json
import sys
import time
import warnings

import optuna
from optuna.distributions import json_to_distribution

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def run(spec):
    study = optuna.create_study(directions=spec["directions"])
    study.add_trials(
        [
            optuna.trial.create_trial(
                params=t["params"],
                distributions={k: json_to_distribution(v) for k, v in t["distributions"].items()},
                values=t["values"],
            )
            for t in spec["trials"]
        ]
    )
    kind = spec["evaluator"]
    if kind == "fanova":
        evaluator = optuna.importance.FanovaImportanceEvaluator(seed=spec["seed"])
    elif kind == "mdi":
        evaluator = optuna.importance.MeanDecreaseImpurityImportanceEvaluator(seed=spec["seed"])
    else:
        evaluator = optuna.importance.PedAnovaImportanceEvaluator(**spec.get("options", {}))
    index = spec.get("target_index")
    target = None if index is None else (lambda t: t.values[index])
    repeat = spec.get("repeat", 1)
    start = time.perf_counter()
    for _ in range(repeat):
        result = optuna.importance.get_param_importances(
            study,
            evaluator=evaluator,
            params=spec.get("params"),
            target=target,
            normalize=spec.get("normalize", True),
        )
    seconds = (time.perf_counter() - start) / repeat
    return {"importances": dict(result), "seconds": seconds, "version": optuna.__version__}


json.dump([run(spec) for spec in json.load(sys.stdin)], sys.stdout)
