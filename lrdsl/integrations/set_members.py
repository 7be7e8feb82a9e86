"""A schedule set split for the runtime adapters: each member as a schedule on the set's one run.

Every member shares the run (LANGUAGE.md §9.5): :func:`lrdsl.run.sets.lower_set` resolves it once
(the total, the longest explicit duration when none is given; the parameters, one no member reads
being an error), and :func:`member_schedules` makes each member one schedule of that total with the
parameters it reads. An adapter builds each member exactly as it builds a schedule alone, so member ``m`` at
step ``t`` is ``lrdsl.evaluate(text, …, member=m)[t]``.

:func:`optimizer_names` maps the reserved members (PyTorch's param-group keys) to an optimizer's
own argument names and refuses a reserved member the optimizer has no argument for.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from lrdsl.errors import LrdslError
from lrdsl.language.members import RESERVED
from lrdsl.run.args import RunArgs
from lrdsl.run.sets import SetLike, as_set, lower_set, params_read


def member_schedules(build: Callable[..., Any], schedules: SetLike, *run: Any, **rates: Any) -> dict[str, Any]:
    """``{name: build(member, T, steps_per_epoch, its params, tokens_per_step=…, samples_per_step=…)}`` for
    every member of a set, in its order: ``build`` is an adapter's ``schedule``, whose signature ``run`` and
    ``rates`` are bound to (its ``TypeError`` for others); ``T`` the set's total (the longest explicit duration
    when none is given), each member given the ``$parameters`` it reads."""
    given = inspect.signature(build).bind(None, *run, **rates)
    given.apply_defaults()
    shared = RunArgs.of(given.arguments)
    parsed = as_set(schedules)
    plans = lower_set(parsed, shared)
    out = {}
    for m in parsed.members:
        mine = {k: float(v) for k, v in (shared.params or {}).items() if k in params_read(m.expr)}
        out[m.name] = build(parsed.member(m.name), plans[m.name].total, shared.steps_per_epoch, mine, **shared.rates)
    return out


def optimizer_names(
    schedules: SetLike,
    spelling: Mapping[str, str],
    accepts: Callable[[str], bool],
    optimizer: str,
) -> dict[str, str]:
    """``{member: argument}`` for the reserved members of ``schedules``, spelled as the optimizer's arguments.

    ``spelling`` is the framework's name for each reserved name it has one for; ``accepts(argument)``
    says whether the optimizer takes that argument. A reserved member without a spelling, or whose
    argument the optimizer lacks (``momentum`` on Adam), is an :class:`LrdslError`. Other members
    (``ema``, ``loss.kl``) are not the optimizer's and are left out.
    """
    parsed = as_set(schedules)
    out = {}
    for member in parsed.members:
        name = member.name
        if name not in RESERVED:
            continue
        argument = spelling.get(name)
        if argument is None or not accepts(argument):
            lacks = f"no argument '{argument}'" if argument is not None else f"no hyper-parameter '{name}'"
            raise LrdslError(
                f"member '{name}': {optimizer} has {lacks}",
                span=member.span if parsed.source is not None else None,
                source=parsed.source,
                hint="remove the member, or use an optimizer that has it; the members the adapter sets: "
                + ", ".join(k if k == v else f"{k} → {v}" for k, v in spelling.items()),
            )
        out[name] = argument
    return out


def takes_argument(factory: Callable[..., Any], open_kwargs: bool = True) -> Callable[[str], bool]:
    """Whether ``factory`` has an argument of a given name; any name when it takes ``**kwargs`` and
    ``open_kwargs`` (a Keras optimizer's ``**kwargs`` are its base class's, which names its own: not open)."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # no signature to read: let the optimizer say what it refuses
        return lambda _: True
    if open_kwargs and any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return lambda _: True
    return lambda name: name in parameters


def given_twice(keyword: str) -> LrdslError:
    """The error for a keyword argument given beside a set that sets it, or given as schedule text: the set is
    the one document of a run's schedules."""
    return LrdslError(
        f"{keyword}= is given beside a schedule set",
        hint="write every schedule as a member of the set; keep keywords for constants the set does not give",
    )
