"""``lrdsl.optax``: Optax schedules and optimizers whose hyper-parameters follow schedule strings.

``schedule(text, total_steps)`` is a jit-safe function of Optax's step count. ``inject(optax.adamw,
learning_rate="…", weight_decay="…", total_steps=…)`` is ``optax.inject_hyperparams(optax.adamw)``
called with one schedule per string: the value each update uses is kept in
``state.hyperparams[name]``, a float array that can be read inside and outside ``jax.jit``.

Optax and JAX are imported only by the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lrdsl.integrations.runtime import load_generated, schedule_given
from lrdsl.integrations.set_members import given_twice, optimizer_names, takes_argument
from lrdsl.language.ast import Schedule
from lrdsl.run.args import RunArgs
from lrdsl.run.sets import SetLike, params_read, refuse_unused


def schedule(
    schedule: str | Schedule | None = None,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    text: str | Schedule | None = None,
) -> Callable[[Any], Any]:
    """``count → learning rate``, for ``optax.adam(lrdsl.optax.schedule("…", 10_000))``.

    The adapters' keywords (``docs/integrations.md``): ``schedule`` (``text=`` is its older name),
    ``total_steps`` (whole steps or a duration in any unit, ``"90ep"``), ``steps_per_epoch``,
    ``params``, ``tokens_per_step``, ``samples_per_step``.
    """
    from lrdsl.api import as_schedule
    from lrdsl.tools.linting import warn

    tree = as_schedule(schedule_given(schedule, text))
    run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
    plan = run.lower(tree)  # every parameter bound, its errors first
    warn(tree, plan, run)  # LrdslWarning
    total = plan.total if isinstance(total_steps, str) else total_steps  # "90ep" → its steps
    module = load_generated(tree, "optax", total, steps_per_epoch, params, **run.rates)
    if hasattr(module, "make_schedule"):
        return module.make_schedule()  # type: ignore[no-any-return]
    return module.schedule  # type: ignore[no-any-return]


def inject(
    factory: Callable[..., Any],
    schedule_set: SetLike | None = None,
    /,
    *,
    total_steps: int | str | None = None,
    steps_per_epoch: float | None = None,
    params: Mapping[str, float] | None = None,
    tokens_per_step: float | None = None,
    samples_per_step: float | None = None,
    static_args: str | Iterable[str] = (),
    hyperparam_dtype: Any = None,
    **hyperparams: Any,
) -> Any:
    """``optax.inject_hyperparams(factory)(**hyperparams)``, each string turned into a schedule.

    A hyper-parameter given as schedule text (or a parsed :class:`lrdsl.Schedule`) becomes
    ``schedule(text, total_steps, steps_per_epoch, params, tokens_per_step=…, samples_per_step=…)``: the ``n``-th update (``count = n``,
    counted from 0) uses ``lr(n)``, the interpreter's value in float32. Numbers, arrays, Optax
    schedules and every other argument pass through unchanged, as do the arguments named in
    ``static_args`` (strings included). ``params`` is one mapping for every expression: each
    expression is given the parameters it names.

    After an update, ``state.hyperparams[name]`` holds the value that update used (Optax's
    ``inject_hyperparams`` contract; after ``init`` it holds the value at count 0).

    ``schedule_set``, a schedule set (LANGUAGE.md §9.5: text, a mapping or a parsed set), gives every
    optimizer member at once, each on the set's one run and named as Optax names it
    (:data:`OPTAX_NAMES`: ``lr`` → ``learning_rate``, ``betas[0]`` → ``b1``, ``betas[1]`` → ``b2``):
    the ``n``-th update uses ``m(n)`` for each member ``m``. A reserved member ``factory`` has no
    argument for (``momentum`` on ``optax.adamw``, ``dampening`` anywhere) is an
    :class:`LrdslError`; the other members (``ema``, ``loss.kl``) are not the optimizer's and are
    left to :func:`schedules`. The keyword hyper-parameters then pass through unchanged, and one
    that is schedule text, or that a member already sets, is an error: the set is the one document.
    """
    import optax  # type: ignore[import-untyped]

    if schedule_set is not None:
        run = RunArgs(total_steps, steps_per_epoch, params, tokens_per_step, samples_per_step)
        built = _set_hyperparams(factory, schedule_set, run, hyperparams, static_args)
        return optax.inject_hyperparams(factory, static_args=static_args, hyperparam_dtype=hyperparam_dtype)(**built)

    from lrdsl.api import as_schedule

    static = {static_args} if isinstance(static_args, str) else set(static_args)
    bound = dict(params or {})
    trees = {k: as_schedule(v) for k, v in hyperparams.items() if k not in static and isinstance(v, (str, Schedule))}
    names = {k: params_read(tree.expr) for k, tree in trees.items()}
    refuse_unused(bound, set().union(*names.values()), "one of the expressions")
    rates: dict[str, Any] = {"tokens_per_step": tokens_per_step, "samples_per_step": samples_per_step}
    built = {
        k: schedule(trees[k], total_steps, steps_per_epoch, {p: bound[p] for p in names[k] if p in bound}, **rates)
        if k in trees
        else value
        for k, value in hyperparams.items()
    }
    return optax.inject_hyperparams(factory, static_args=static, hyperparam_dtype=hyperparam_dtype)(**built)


OPTAX_NAMES = {
    "lr": "learning_rate",
    "weight_decay": "weight_decay",
    "momentum": "momentum",
    "betas[0]": "b1",
    "betas[1]": "b2",
    "eps": "eps",
}
"""The reserved members (PyTorch's param-group keys) as Optax's optimizers name their arguments; Optax
has no ``dampening``."""


def schedules(schedules: SetLike, *run: Any, **rates: Any) -> dict[str, Callable[[Any], Any]]:
    """``{name: schedule}`` for every member of a set, in its order and under its own names.

    ``schedules(set, total_steps, steps_per_epoch, params, *, tokens_per_step, samples_per_step)``, the
    arguments of :func:`schedule` for the set's one run. Each is :func:`schedule` of that member with the
    set's total and the parameters it reads: jit-safe, float32, ``fn(n)`` the value used together with update
    ``n + 1``, for the members no optimizer reads (an EMA decay, a
    loss weight) as for the others.
    """
    from lrdsl.integrations.set_members import member_schedules

    return member_schedules(schedule, schedules, *run, **rates)


def _set_hyperparams(
    factory: Callable[..., Any],
    given: SetLike,
    run: RunArgs,
    hyperparams: Mapping[str, Any],
    static_args: str | Iterable[str],
) -> dict[str, Any]:
    """The keyword arguments of ``inject_hyperparams(factory)``: each optimizer member's schedule, by Optax's name."""
    owner = getattr(factory, "__qualname__", None) or repr(factory)
    names = optimizer_names(given, OPTAX_NAMES, takes_argument(factory), f"optax {owner}")
    static = {static_args} if isinstance(static_args, str) else set(static_args)
    for key, value in hyperparams.items():
        if key in names.values() or (key not in static and isinstance(value, (str, Schedule))):
            raise given_twice(key)
    every = schedules(given, run.total_steps, run.steps_per_epoch, run.params, **run.rates)
    return {**hyperparams, **{argument: every[member] for member, argument in names.items()}}
