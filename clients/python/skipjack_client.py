"""skipjack_client: ask skipjack for parameters and report results over HTTP.

One file, Python 3.8+ standard library only. Copy it next to a training script, or let
``skipjack run`` put it on the child's PYTHONPATH (``skipjack client python`` prints its path).

In a command started by ``skipjack run``::

    import skipjack_client as sj

    trial = sj.current_trial()
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    for epoch in range(50):
        val_loss = train_one_epoch(lr)
        trial.report(val_loss, epoch)
        if trial.should_prune():
            raise sj.TrialPruned()
    trial.tell(val_loss)

A worker of ``skipjack serve`` on another machine::

    study = sj.Study("http://hpo-host:8080", token="...", name="mlp", direction="minimize")
    study.optimize(objective, n_trials=20)
"""

import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse
import uuid

__all__ = [
    "SkipjackError",
    "TrialPruned",
    "Trial",
    "Study",
    "current_trial",
]

__version__ = "1"


class SkipjackError(Exception):
    """The server refused a request (``status`` and ``code`` say why) or could not be reached."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


class TrialPruned(Exception):
    """Raise it when ``should_prune()`` says so: the trial ends as PRUNED."""


def _number(value):
    """A float for JSON; NaN and infinities as the strings the API takes."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _from_number(value):
    if isinstance(value, str):
        return float(value.replace("Infinity", "inf"))
    return value


def _json_default(value):
    # numpy scalars and arrays, and anything else with .item() / .tolist()
    for method in ("item", "tolist"):
        if hasattr(value, method):
            return getattr(value, method)()
    raise TypeError("%r is not JSON serializable" % (value,))


class _Api:
    """A keep-alive HTTP connection to the server, shared by the threads of one client."""

    def __init__(self, url, token=None, timeout=60.0, retries=5):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("The server URL must look like http://host:port, got %r" % (url,))
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port
        self._base = parsed.path.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._retries = retries
        self._connection = None
        self._lock = threading.Lock()

    def _connect(self):
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=self._timeout)

    def call(self, method, path, body=None):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body, allow_nan=False, default=_json_default).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = "Bearer " + self._token
        if method == "POST":
            # One key per logical call, the same on each retry: when the connection dropped
            # after the server acted, it answers the retry with its first answer instead of
            # acting again (no second trial from a retried ask, no error from a retried tell).
            headers["Idempotency-Key"] = str(uuid.uuid4())
        delay = 0.2
        for attempt in range(self._retries + 1):
            with self._lock:
                try:
                    if self._connection is None:
                        self._connection = self._connect()
                    self._connection.request(method, self._base + path, body=data, headers=headers)
                    response = self._connection.getresponse()
                    status = response.status
                    text = response.read().decode("utf-8")
                except (OSError, http.client.HTTPException) as error:
                    # A dropped keep-alive connection or a server restarting: try again.
                    if self._connection is not None:
                        self._connection.close()
                    self._connection = None
                    if attempt == self._retries:
                        raise SkipjackError(
                            "Cannot reach the skipjack server at %s://%s:%s (%s)"
                            % (self._scheme, self._host, self._port, error)
                        ) from None
                    failed = True
                else:
                    failed = status == 503 and attempt < self._retries
            if failed:
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            try:
                answer = json.loads(text) if text else {}
            except ValueError:
                answer = {}
            if status >= 400:
                error = answer.get("error", {}) if isinstance(answer, dict) else {}
                raise SkipjackError(
                    "%s %s: %s" % (method, path, error.get("message", "HTTP %d" % status)),
                    status=status,
                    code=error.get("code"),
                )
            return answer
        raise AssertionError("unreachable")


def _quote(text):
    return urllib.parse.quote(str(text), safe="")


class Trial:
    """A trial on the server: suggest its parameters, report, and tell its result."""

    def __init__(self, api, study_name, number, params=None):
        self._api = api
        self.study_name = study_name
        self.number = int(number)
        self.params = dict(params or {})
        self._path = "/api/v1/studies/%s/trials/%d" % (_quote(study_name), self.number)
        self._told = False

    def _call(self, route, body=None):
        return self._api.call("POST", self._path + "/" + route, body)

    def _suggest(self, body):
        value = self._call("suggest", body)["value"]
        self.params[body["name"]] = value
        return value

    def suggest_float(self, name, low, high, *, step=None, log=False):
        """A float in [low, high], on a log scale with ``log``, a multiple of ``step`` from low."""
        body = {"name": name, "type": "float", "low": float(low), "high": float(high), "log": bool(log)}
        if step is not None:
            body["step"] = float(step)
        return self._suggest(body)

    def suggest_int(self, name, low, high, *, step=1, log=False):
        """An integer in [low, high]."""
        return self._suggest(
            {"name": name, "type": "int", "low": int(low), "high": int(high), "step": int(step), "log": bool(log)}
        )

    def suggest_categorical(self, name, choices):
        """One of ``choices`` (None, bool, int, float or str)."""
        return self._suggest({"name": name, "type": "categorical", "choices": list(choices)})

    def report(self, value, step):
        """An intermediate value at ``step`` (e.g. the epoch), for the pruner."""
        self._call("report", {"value": _number(value), "step": int(step)})

    def should_prune(self):
        """Whether the study's pruner says to stop this trial now."""
        return bool(self._call("should-prune")["prune"])

    def set_user_attr(self, key, value):
        """Stores a JSON value on the trial."""
        self._call("user-attrs", {"key": key, "value": value})

    def heartbeat(self):
        """Tells the server this worker is alive (when its storage has heartbeats on)."""
        return bool(self._call("heartbeat")["recorded"])

    def tell(self, values=None, state=None):
        """Finishes the trial: its value(s), or ``state="pruned"`` / ``"fail"``."""
        body = {}
        if values is not None:
            if isinstance(values, (list, tuple)):
                body["values"] = [_number(v) for v in values]
            else:
                body["values"] = _number(values)
        if state is not None:
            body["state"] = str(state).lower()
        answer = self._call("tell", body)
        self._told = True
        return answer

    def __repr__(self):
        return "Trial(study_name=%r, number=%d, params=%r)" % (self.study_name, self.number, self.params)


_current = None


def current_trial():
    """The trial this process evaluates, from the environment ``skipjack run`` sets.

    Reads SKIPJACK_API_URL, SKIPJACK_API_TOKEN, SKIPJACK_STUDY_NAME and SKIPJACK_TRIAL_NUMBER.
    An uncaught ``TrialPruned`` then ends the trial as PRUNED.
    """
    global _current
    if _current is not None:
        return _current
    missing = [
        name
        for name in ("SKIPJACK_API_URL", "SKIPJACK_STUDY_NAME", "SKIPJACK_TRIAL_NUMBER")
        if not os.environ.get(name)
    ]
    if missing:
        raise SkipjackError(
            "%s not set: run this script with `skipjack run ... -- python script.py`, "
            "or use skipjack_client.Study(url, name=...) to ask a server for trials" % ", ".join(missing)
        )
    api = _Api(os.environ["SKIPJACK_API_URL"], os.environ.get("SKIPJACK_API_TOKEN"))
    _current = Trial(api, os.environ["SKIPJACK_STUDY_NAME"], os.environ["SKIPJACK_TRIAL_NUMBER"])
    previous = sys.excepthook

    def hook(kind, error, traceback):
        if issubclass(kind, TrialPruned) and not _current._told:
            try:
                _current.tell(state="pruned")
            except SkipjackError:
                pass
            sys.exit(0)
        previous(kind, error, traceback)

    sys.excepthook = hook
    return _current


class Study:
    """A study on a ``skipjack serve`` server: ask for trials (sampled on the server) and tell them.

    The study is opened, or created with ``direction``/``directions``; ``sampler``/``pruner``
    (e.g. "tpe", "hyperband") with their ``*_kwargs`` set what the server uses for it.
    """

    def __init__(
        self,
        url,
        token=None,
        name=None,
        *,
        direction=None,
        directions=None,
        sampler=None,
        sampler_kwargs=None,
        pruner=None,
        pruner_kwargs=None,
        timeout=60.0,
    ):
        if name is None:
            raise ValueError("Study needs the study's name: Study(url, token=..., name='mlp')")
        self._api = _Api(url, token if token is not None else os.environ.get("SKIPJACK_API_TOKEN"), timeout)
        body = {"name": name}
        for key, value in (
            ("direction", direction),
            ("directions", list(directions) if directions is not None else None),
            ("sampler", sampler),
            ("sampler_kwargs", sampler_kwargs),
            ("pruner", pruner),
            ("pruner_kwargs", pruner_kwargs),
        ):
            if value is not None:
                body[key] = value
        info = self._api.call("POST", "/api/v1/studies", body)
        self.name = info["name"]
        self.directions = info["directions"]
        self._path = "/api/v1/studies/%s" % _quote(self.name)

    def ask(self, search_space=None):
        """A new trial; ``search_space`` (Optuna's distribution JSON per name) is sampled at once."""
        body = {} if search_space is None else {"search_space": search_space}
        info = self._api.call("POST", self._path + "/trials", body)
        return Trial(self._api, self.name, info["number"], info.get("params"))

    def tell(self, trial, values=None, state=None):
        """Finishes a trial (a Trial or its number) with its value(s) or a state."""
        if not isinstance(trial, Trial):
            trial = Trial(self._api, self.name, trial)
        return trial.tell(values, state)

    def trial(self, number):
        """A trial of the study as stored: state, params, values, intermediate values."""
        info = self._api.call("GET", "%s/trials/%d" % (self._path, int(number)))
        if info.get("values") is not None:
            info["values"] = [_from_number(v) for v in info["values"]]
        return info

    def optimize(self, objective, n_trials=None, *, catch=(), heartbeat_interval=None):
        """Runs ``objective(trial)`` on ``n_trials`` new trials (until the sampler has no more).

        ``TrialPruned`` ends a trial PRUNED; an exception in ``catch`` ends it FAIL and the loop
        goes on; any other ends it FAIL and is raised. With ``heartbeat_interval`` (seconds) a
        thread sends heartbeats while the objective runs.
        """
        done = 0
        while n_trials is None or done < n_trials:
            try:
                trial = self.ask()
            except SkipjackError as error:
                if error.code == "search_exhausted":
                    return
                raise
            done += 1
            stop = threading.Event()
            if heartbeat_interval:
                beat = threading.Thread(target=self._beat, args=(trial, heartbeat_interval, stop), daemon=True)
                beat.start()
            try:
                value = objective(trial)
            except TrialPruned:
                trial.tell(state="pruned")
            except catch:
                trial.tell(state="fail")
            except BaseException:
                trial.tell(state="fail")
                raise
            else:
                if not trial._told:
                    trial.tell(value)
            finally:
                stop.set()

    @staticmethod
    def _beat(trial, interval, stop):
        while not stop.wait(interval):
            try:
                trial.heartbeat()
            except SkipjackError:
                return
