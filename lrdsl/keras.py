"""``lrdsl.keras.schedule``: a Keras 3 ``LearningRateSchedule`` from a schedule string.

Every schedule it returns is an instance of one class, ``lrdsl.keras.Schedule``, registered
with Keras as ``lrdsl>Schedule``. Its config is the schedule's canonical text, total steps,
steps per epoch and parameters, and ``from_config`` parses that text again: a saved model
reloads as the schedule it was saved with, in this process or in a fresh one, and two
schedules never share a registration. In a fresh process, ``import lrdsl`` is enough before
``keras.models.load_model``: it registers the class at once when Keras is already imported,
else as soon as Keras is (``lrdsl.integrations.keras_hook``), without importing Keras itself.

``lrdsl.keras.callback`` is the epoch-level alternative: a ``keras.callbacks.LearningRateScheduler``
that sets the learning rate at each epoch's start to the schedule's value at that epoch's first
step (``docs/integrations.md``).

Keras is imported only when a class is first needed, so that ``import lrdsl.keras`` stays
free of frameworks.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
from collections.abc import Callable, Mapping
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from lrdsl.errors import LrdslError
from lrdsl.integrations.checkpoint import LANGUAGE
from lrdsl.integrations.runtime import schedule_given
from lrdsl.language.ast import Schedule as _Tree
from lrdsl.run.args import RunArgs
from lrdsl.run.plan import Plan
from lrdsl.run.sets import SetLike


def schedule(
    schedule: str | _Tree | None = None,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    text: str | _Tree | None = None,
) -> Any:
    """A ``keras.optimizers.schedules.LearningRateSchedule`` for ``keras.optimizers.Adam(learning_rate=…)``.

    The adapters' keywords (``docs/integrations.md``): ``schedule`` (``text=`` is its older name),
    ``total_steps`` (whole steps or a duration, ``"90ep"``), ``steps_per_epoch``, ``params``,
    ``tokens_per_step``, ``samples_per_step``.
    """
    run = dict(locals())  # this signature is the class's too: its __init__ binds its arguments to it
    return schedule_class()(**run)


@functools.cache
def schedule_class() -> type:
    """The registered ``lrdsl>Schedule`` class (defined, and Keras imported, on first use)."""
    import keras  # type: ignore[import-untyped]

    from lrdsl.api import as_schedule
    from lrdsl.integrations.runtime import load_generated
    from lrdsl.tools.linting import warn

    @keras.saving.register_keras_serializable(package="lrdsl", name="Schedule")
    class Schedule(keras.optimizers.schedules.LearningRateSchedule):  # type: ignore[misc]
        """A schedule given by its text: the generated Keras code for it, rebuilt from the text on reload."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            """The arguments of :func:`lrdsl.keras.schedule`, the one signature (``from_config`` passes them by name)."""
            super().__init__()
            given = inspect.signature(schedule).bind(*args, **kwargs)
            given.apply_defaults()
            run = given.arguments
            tree = as_schedule(schedule_given(run["schedule"], run["text"]))
            bound = RunArgs.of(run).but(params=dict(run["params"] or {}))
            plan = bound.lower(tree)
            warn(tree, plan, bound)  # LrdslWarning
            self.schedule = plan.text
            self.total_steps = plan.total
            self.steps_per_epoch = plan.steps_per_epoch
            self.params = {name: float(value) for name, value in (bound.params or {}).items()}
            self.rates = {k: float(cast(float, v)) for k, v in bound.rates.items() if v is not None}
            module = load_generated(tree, "keras", plan.total, plan.steps_per_epoch, self.params, **bound.rates)
            self._compiled = module.Schedule()

        def __call__(self, step: Any) -> Any:
            return self._compiled(step)

        def plan(self) -> Plan:
            """The planned curve and phase table of this schedule (:func:`lrdsl.run.plan.make_plan`)."""
            from lrdsl.run.plan import make_plan

            return make_plan(self.schedule, self.total_steps, self.steps_per_epoch, self.params, **self.rates)

        def get_config(self) -> dict[str, Any]:
            """The text, the run and the parameters; the rates only when given (older versions read the rest)."""
            return {
                "schedule": self.schedule,
                "total_steps": self.total_steps,
                "steps_per_epoch": self.steps_per_epoch,
                "params": dict(self.params),
                "language": LANGUAGE,
                **self.rates,
            }

        @classmethod
        def from_config(cls, config: Any) -> Schedule:
            """The schedule :meth:`get_config` saved; a config edited into anything else is an :class:`LrdslError`.

            A config without ``language`` was saved under version 2: when its text has a period or mark that
            §9.4 made exact (:func:`lrdsl.integrations.checkpoint.changed_since_v2`), an ``LrdslWarning`` says the reloaded
            schedule may set some steps' values differently; it is rebuilt under this version."""
            checked = checked_config(config)
            _warn_version(config, checked)
            return cls(**checked)

    Schedule.__module__, Schedule.__qualname__ = __name__, "Schedule"
    return Schedule


CONFIG_KEYS = (
    "schedule", "total_steps", "steps_per_epoch", "params", "language", "tokens_per_step", "samples_per_step"
)  # fmt: skip
"""The keys of ``lrdsl>Schedule``'s config (the two rates only when they were given)."""


def _real(value: object) -> bool:
    """A finite int or float, not a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) < 2**1024 if isinstance(value, int) else math.isfinite(value)


def _optional(check: Callable[[Any], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or check(value)


_CONFIG_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "schedule": (lambda v: isinstance(v, str), "the schedule's text"),
    "total_steps": (
        _optional(lambda v: _real(v) and float(v).is_integer() and 0 < v <= 1e15),
        "a whole number of steps from 1 to 1e15, or null",
    ),
    "steps_per_epoch": (_optional(lambda v: _real(v) and v > 0), "a positive number, or null"),
    "params": (
        lambda v: isinstance(v, Mapping) and all(isinstance(k, str) and _real(x) for k, x in v.items()),
        "a mapping of parameter names to numbers",
    ),
    "language": (
        lambda v: not isinstance(v, bool) and v in range(2, LANGUAGE + 1),
        f"a language version from 2 to {LANGUAGE}",
    ),
    "tokens_per_step": (_optional(lambda v: _real(v) and v > 0), "a positive number, or null"),
    "samples_per_step": (_optional(lambda v: _real(v) and v > 0), "a positive number, or null"),
}
"""What each key of a saved config must hold, and how a message says it, in the order they are checked."""


def checked_config(config: object) -> dict[str, Any]:
    """``config`` as ``Schedule(**config)`` takes it: ``schedule`` a text, ``total_steps`` a whole number or
    ``None``, ``steps_per_epoch`` a number or ``None``, ``params`` a mapping of names to numbers (the rates,
    when saved, positive numbers).

    A saved model's config can be edited or crafted; anything else is an :class:`LrdslError` (a
    ``ValueError``) naming the key, its value shown bounded and with control characters escaped.
    """
    from lrdsl.language.echo import shown

    def bad(key: str, want: str) -> LrdslError:
        value = config.get(key) if isinstance(config, Mapping) else config
        return LrdslError(
            f"the saved lrdsl>Schedule's {key} must be {want}, got {shown(value)}",
            hint="the config get_config() writes: {'schedule': TEXT, 'total_steps': N, 'steps_per_epoch': K, "
            "'params': {NAME: NUMBER}}; was the saved model edited?",
        )

    if not isinstance(config, Mapping):
        raise bad("config", "a mapping")
    unknown = next((key for key in config if key not in CONFIG_KEYS), None)
    if unknown is not None:
        raise LrdslError(
            f"the saved lrdsl>Schedule's config has an unknown key {shown(unknown)}",
            hint="its keys: " + ", ".join(CONFIG_KEYS),
        )
    given = {**_CONFIG_DEFAULTS, **config, "params": config.get("params") or {}}
    for key, (ok, want) in _CONFIG_RULES.items():
        if not ok(given[key]):
            raise bad(key, want)
    total = given["total_steps"]
    checked = {k: given[k] for k in ("schedule", "steps_per_epoch", "tokens_per_step", "samples_per_step")}
    return checked | {"total_steps": None if total is None else int(total), "params": dict(given["params"])}


_CONFIG_DEFAULTS: dict[str, Any] = {
    "schedule": None,
    "total_steps": None,
    "steps_per_epoch": None,
    "language": 2,
    "tokens_per_step": None,
    "samples_per_step": None,
}
"""A key a config leaves out: a config written before ``language`` (version 2) or without rates."""


def _warn_version(config: Mapping[str, Any], checked: Mapping[str, Any]) -> None:
    """An ``LrdslWarning`` when a config saved under language version 2 has a period or mark §9.4 changed."""
    from lrdsl.integrations.checkpoint import ScheduleRecord, changed_since_v2, warn_version

    language = int(config.get("language", 2))
    if language >= LANGUAGE:
        return
    params = tuple(sorted((k, float(v)) for k, v in checked["params"].items()))
    record = ScheduleRecord(
        (checked["schedule"],),
        checked["total_steps"] or 0,
        checked["steps_per_epoch"],
        params=params,
        language=language,
    )
    changed = changed_since_v2(record)
    if changed is not None:
        warn_version(record, changed, "rebuilding the schedule with this version's values")


def callback(
    schedule: str | _Tree | None = None,
    steps_per_epoch: float | None = None,
    total_epochs: float | None = None,
    total_steps: int | str | None = None,
    params: Mapping[str, float] | None = None,
    verbose: int = 0,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    text: str | _Tree | None = None,
) -> Any:
    """A ``keras.callbacks.LearningRateScheduler`` setting the learning rate once per epoch.

    At the start of epoch ``e`` (counted from 0, as Keras counts) the optimizer's learning rate
    becomes ``lr(s_e)``, the schedule's value at the first step of that epoch,
    ``s_e = ⌈e · steps_per_epoch⌉``, and it holds for the whole epoch: the step-level curve
    sampled at each epoch's start. With ``steps_per_epoch=1`` a step is an epoch, so a schedule
    written in plain numbers counts epochs.

    A warm-up from 0 therefore trains the whole of epoch 0 at learning rate 0 (``lr(s_0) =
    lr(0) = 0``): that epoch changes no weight. Start the warm-up above 0 (``warmup(linear,
    5ep, from=1e-4)``), or warm up per step with :func:`schedule` as the optimizer's
    ``learning_rate``, whose first update alone uses ``lr(0)``.

    The run lasts ``total_steps``, else ``total_epochs · steps_per_epoch``, else the ``epochs``
    given to ``model.fit`` times steps per epoch. A missing ``steps_per_epoch`` is the number of
    batches ``model.fit`` reports for an epoch. Both are read when training begins. The other
    keywords are the adapters' (``schedule``, ``text=`` its older name, ``params``,
    ``tokens_per_step``, ``samples_per_step``).
    """
    run = dict(locals())  # this signature is the class's too: its __init__ binds its arguments to it
    return callback_class()(**run)


@functools.cache
def callback_class() -> type:
    """``lrdsl.keras.Callback``, a ``LearningRateScheduler`` (defined, and Keras imported, on first use)."""
    import keras

    callback_type = type(
        "Callback",
        (_Callback, keras.callbacks.LearningRateScheduler),
        {"__module__": __name__, "__doc__": _Callback.__doc__},
    )
    callback_type.__qualname__ = "Callback"
    return callback_type


class _Callback:
    """Keras's epoch-level scheduler, its ``schedule(epoch, lr)`` read off a schedule string.

    The body of ``lrdsl.keras.Callback``, joined to Keras's ``LearningRateScheduler`` by
    :func:`callback_class` when Keras is first needed; its arguments are :func:`callback`'s.
    """

    params: Mapping[str, Any] | None  # Keras's: what model.fit passes (steps, epochs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lrdsl.api import as_schedule

        given = inspect.signature(callback).bind(*args, **kwargs)
        given.apply_defaults()
        run = given.arguments
        cast(Any, super()).__init__(self.learning_rate, verbose=run["verbose"])
        self.tree = as_schedule(schedule_given(run["schedule"], run["text"]))
        self.params_bound = {name: float(value) for name, value in (run["params"] or {}).items()}
        self.asked = (run["steps_per_epoch"], run["total_epochs"], run["total_steps"])
        self.rates = (run["tokens_per_step"], run["samples_per_step"])
        self.lowered: Any = None
        self.warned: set[str] = set()  # each LrdslWarning once, however often the run is resolved
        if run["steps_per_epoch"] is not None:  # resolved now when the arguments suffice, else at model.fit
            try:
                self.resolve()
            except LrdslError:
                if run["total_steps"] is not None or run["total_epochs"] is not None:
                    raise

    def resolve(self, fit_steps: int | None = None, fit_epochs: int | None = None) -> Any:
        """The schedule lowered for the run, from the arguments and then from ``model.fit``'s."""
        from lrdsl.tools.linting import warn

        spe, epochs, total = self.asked
        spe = spe if spe is not None else fit_steps
        if spe is None:
            raise LrdslError(
                "lrdsl.keras.callback needs steps_per_epoch: model.fit does not know how many batches an epoch has",
                hint="pass steps_per_epoch=… (the number of batches in an epoch)",
            )
        epochs = epochs if epochs is not None else fit_epochs
        if total is None and epochs is not None:
            total = _whole(float(epochs) * float(spe))
        run = RunArgs(total, spe, self.params_bound, *self.rates)
        self.lowered = run.lower(self.tree)
        warn(self.tree, self.lowered, run, seen=self.warned)
        return self.lowered

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        fit = self.params or {}
        self.resolve(fit.get("steps"), fit.get("epochs"))
        cast(Any, super()).on_train_begin(logs)

    def first_step(self, epoch: int) -> int:
        """``⌈epoch · steps_per_epoch⌉``: the first whole step of ``epoch``."""
        return _whole(epoch * float(self.lowered.steps_per_epoch))

    def learning_rate(self, epoch: int, lr: float | None = None) -> float:
        """``lr(⌈epoch · steps_per_epoch⌉)``: Keras's ``schedule(epoch, lr)`` (the current ``lr`` is unused)."""
        from lrdsl.ir.interpreter import evaluate_ir

        if self.lowered is None:
            self.resolve()
        return float(evaluate_ir(self.lowered.ir, [self.first_step(epoch)])[0])

    def plan(self) -> Plan:
        """The steps this callback plans: each step holds the value set at its epoch's start."""
        from lrdsl.run.plan import make_plan

        if self.lowered is None:
            self.resolve()
        low = self.lowered
        rates = dict(zip(("tokens_per_step", "samples_per_step"), self.rates))
        curve = make_plan(low.text, low.total, low.steps_per_epoch, self.params_bound, **rates)
        steps = np.arange(low.total, dtype=np.float64)
        epochs = np.floor(steps / low.steps_per_epoch)  # the epoch e with s_e ≤ t < s_(e+1)
        epochs += _whole_array((epochs + 1) * low.steps_per_epoch) <= steps  # rounding in t / spe
        epochs -= _whole_array(epochs * low.steps_per_epoch) > steps
        values = curve.values[_whole_array(epochs * low.steps_per_epoch)]
        values.setflags(write=False)
        return curve.with_values(values)


def _whole(value: float) -> int:
    """``⌈value⌉``, reading a value within 1e-9 above a whole number as that number (``3 · 0.1 · 10``)."""
    return math.ceil(value - 1e-9)


def _whole_array(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """:func:`_whole` of each value."""
    return np.ceil(values - 1e-9).astype(np.int64)


KERAS_NAMES = {
    "lr": "learning_rate",
    "weight_decay": "weight_decay",
    "momentum": "momentum",
    "betas[0]": "beta_1",
    "betas[1]": "beta_2",
    "eps": "epsilon",
}
"""The reserved members (PyTorch's param-group keys) as Keras' optimizers name their arguments; Keras has
no ``dampening``."""


def schedules(schedules: SetLike, *run: Any, **rates: Any) -> dict[str, Any]:
    """``{name: schedule}`` for every member of a set, in its order and under its own names.

    ``schedules(set, total_steps, steps_per_epoch, params, *, tokens_per_step, samples_per_step)``, the
    arguments of :func:`schedule` for the set's one run. Each is :func:`schedule` of that member with the
    set's total and the parameters it reads: an ``lrdsl.keras.Schedule``: ``fn(step)`` is a float32 tensor, the value
    used together with update ``step + 1``, for the members no optimizer reads (an EMA decay, a
    loss weight) as for the others.
    """
    from lrdsl.integrations.set_members import member_schedules

    return member_schedules(schedule, schedules, *run, **rates)


def optimizer(
    optimizer_class: type,
    schedule_set: SetLike,
    /,
    *,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    **kwargs: Any,
) -> Any:
    """``optimizer_class(**kwargs)`` whose hyper-parameters follow a schedule set (LANGUAGE.md §9.5).

    Each optimizer member is named as Keras names it (:data:`KERAS_NAMES`: ``lr`` →
    ``learning_rate``, ``betas[0]`` → ``beta_1``, ``betas[1]`` → ``beta_2``, ``eps`` → ``epsilon``).
    ``lr`` is the optimizer's ``learning_rate``, a :func:`schedule`; every other member ``m`` is
    read as ``m(iterations)`` by the update itself, inside the compiled train step: the update
    that follows ``n`` updates uses ``m(n)``, as the learning rate does. (Keras 3 keeps
    ``beta_1``, ``weight_decay`` and ``momentum`` as Python numbers that the compiled step bakes
    in, so a callback setting them changes nothing.) An SGD whose momentum is a member always keeps
    momentum slots, a momentum of 0 being plain SGD with them.

    A reserved member the class has no argument for (``momentum`` on ``AdamW``, ``dampening``
    anywhere) is an :class:`LrdslError`, as is a keyword the set already gives; the other members
    (``ema``, ``loss.kl``) are left to :func:`schedules`. ``get_config`` records each member's
    value at the current step, as a number, under the class's own module and name: a saved model
    reloads with ``optimizer_class`` itself, those hyper-parameters fixed at the saved step (the
    learning rate stays its ``lrdsl>Schedule``); the set is not saved.
    """
    import keras

    from lrdsl.integrations.set_members import given_twice, optimizer_names, takes_argument

    takes = takes_argument(optimizer_class, open_kwargs=False)
    names = optimizer_names(schedule_set, KERAS_NAMES, takes, f"keras {optimizer_class.__name__}")
    twice = sorted(set(names.values()) & set(kwargs))
    if twice:
        raise given_twice(twice[0])
    run = (total_steps, steps_per_epoch, params)
    every = schedules(schedule_set, *run, tokens_per_step=tokens_per_step, samples_per_step=samples_per_step)
    members = {names[m]: every[m] for m in names}
    if "learning_rate" in members:
        kwargs["learning_rate"] = members.pop("learning_rate")
    start = {name: float(keras.ops.convert_to_numpy(fn(0))) for name, fn in members.items()}
    made = scheduled_class(optimizer_class)(**kwargs, **start)
    object.__setattr__(made, "_lrdsl_members", members)  # read from here on: the constants were for __init__
    return made


@functools.cache
def scheduled_class(base: type) -> type:
    """``base`` with each of Keras' scheduled hyper-parameters read from its member at ``iterations``."""
    import keras

    namespace: dict[str, Any] = {
        name: _member_property(name) for name in KERAS_NAMES.values() if name != "learning_rate"
    }
    namespace |= {"_lrdsl_members": {}, "get_config": _config, "__module__": base.__module__, "__doc__": base.__doc__}
    if issubclass(base, keras.optimizers.SGD):
        namespace |= {"build": _sgd_build, "update_step": _sgd_update_step}
    made = type(base.__name__, (base,), namespace)
    made.__qualname__ = base.__qualname__
    return made


def _member_property(name: str) -> property:
    """``self.NAME``: the member's value at the optimizer's step when it is scheduled, else the number set."""

    def get(self: Any) -> Any:
        member = self._lrdsl_members.get(name)
        return self.__dict__[f"_lrdsl_{name}"] if member is None else member(self._iterations)

    def put(self: Any, value: Any) -> None:
        self.__dict__[f"_lrdsl_{name}"] = value

    return property(get, put, doc=f"``{name}``, at the optimizer's current step when the set schedules it.")


def _config(self: Any) -> dict[str, Any]:
    """The optimizer's config, each scheduled hyper-parameter as its value at the current step."""
    from keras import ops

    config: dict[str, Any] = super(type(self), self).get_config()
    for name in self._lrdsl_members:
        config[name] = float(ops.convert_to_numpy(getattr(self, name)))
    return config


def _sgd_build(self: Any, variables: Any) -> None:
    """SGD's variables with momentum slots whatever the momentum's first value (0 is SGD without them)."""
    import keras

    if self.built:
        return
    super(keras.optimizers.SGD, self).build(variables)
    self.momentums = self.add_optimizer_variables(variables, "momentum")


def _sgd_update_step(self: Any, gradient: Any, variable: Any, learning_rate: Any) -> None:
    """Keras' SGD step with momentum ``μ = momentum(iterations)``: ``m ← μ·m − lr·g``, then
    ``w ← w + m`` (Nesterov: ``w ← w + μ·m − lr·g``); with ``μ = 0`` it is ``w ← w − lr·g``."""
    from keras import ops

    learning_rate = ops.cast(learning_rate, variable.dtype)
    gradient = ops.cast(gradient, variable.dtype)
    m = self.momentums[self._get_variable_index(variable)]
    momentum = ops.cast(self.momentum, variable.dtype)
    step = ops.multiply(gradient, learning_rate)
    self.assign(m, ops.subtract(ops.multiply(m, momentum), step))
    if self.nesterov:
        self.assign_add(variable, ops.subtract(ops.multiply(m, momentum), step))
    else:
        self.assign_add(variable, m)


def __getattr__(name: str) -> Any:
    """``lrdsl.keras.Schedule`` (the registered class) and ``lrdsl.keras.Callback`` (importing Keras)."""
    if name == "Schedule":
        return schedule_class()
    if name == "Callback":
        return callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "keras" in sys.modules:  # Keras is already loaded: register at once, ready for load_model
    schedule_class()
