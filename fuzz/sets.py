"""Differential fuzzing of schedule sets (LANGUAGE.md §9.5): ``python -m fuzz.differential --sets``.

Each input is a random valid set of 2 to 5 members, named from the reserved optimizer names (``lr``,
``weight_decay``, ``momentum``, ``betas[0]``, …) and dotted or indexed names of one's own (``loss.kl``,
``head.scale[1]``), each member a random schedule of :class:`fuzz.differential.Gen`, sharing the ``$a``/``$b``
parameters (in two sets of five, ``$b * (…)`` around two members or more), the run's total (or none: the longest
member's) and steps per epoch; one in three is written on one line. At shared random steps (:func:`fuzz.differential.pick_steps`, huge ones included):

- ``lrdsl.evaluate_set`` of each member against the reference interpreter on that member's IR (within an ulp,
  :meth:`fuzz.differential.Checker.reference`) and against the member lowered alone as a schedule on the set's
  run (a set adds no arithmetic of its own: the same values, bit for bit);
- ``lrdsl gen --target python`` of the whole set: each member's function and ``values(step)[name]`` against
  ``evaluate_set`` (within 1e-12, :meth:`fuzz.differential.Checker.compare`); a refusal by ``gen`` must be one
  the interpreter makes too, at some step of the run.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Any

import lrdsl
from fuzz.differential import (
    LRDSL_LIMIT,
    Case,
    Checker,
    Gen,
    Hang,
    features,
    interpreter_values,
    limit,
    load,
    pick_steps,
    refuses_somewhere,
)
from lrdsl.api import generate
from lrdsl.codegen.sets import function_name
from lrdsl.run.args import RunArgs
from lrdsl.run.sets import lower_set, params_read

RESERVED = ["lr", "weight_decay", "momentum", "dampening", "betas[0]", "betas[1]", "eps"]
OWN = ["ema", "loss.kl", "muon.momentum", "head.scale[1]", "aux.w", "z_loss", "kd.temperature"]
"""Names of one's own: dotted, indexed, with an underscore; their function names differ from each other and
from every reserved name's."""


TRIES = 3
"""Schedules drawn for a member until one lowers alone on the run (when the run has a total): a set fails to lower
when any member does, so without it most sets of five would test the refusal alone."""


def make_set_case(rng: random.Random) -> Case:
    """One random set: 2–5 members on one run (a :class:`Case` whose text is the set)."""
    spe = rng.choice([None, None, 1.0, 3.5, 7.0, 50.0, 0.1, 1e6])
    names = rng.sample(RESERVED + OWN, rng.randint(2, 5))
    total = rng.choice([0, 1, 7, 100, 1000, 12345, 10**5, 10**6, 10**9, 2**31 - 1, 10**12] + [None] * 3)
    values = {name: rng.choice([0.5, 2.0, 1e-3, 1.0, -1.0]) for name in ("a", "b")}
    members = [f"{name}: {_member(rng, spe, total, values)}" for name in names]
    if rng.random() < 0.4:  # a parameter bound once for the whole set, read by two members at least
        for i in rng.sample(range(len(names)), rng.randint(2, len(names))):
            name, _, expr = members[i].partition(": ")
            members[i] = f"{name}: $b * ({expr})"
    text = ("  " if rng.random() < 0.3 else "\n").join(members)
    params = {name: values[name] for name in sorted(set(re.findall(r"\$(\w+)", text)))}
    return Case(text, total, spe, params)


def _member(rng: random.Random, spe: float | None, total: int | None, params: dict[str, float]) -> str:
    """A random schedule, drawn again (up to :data:`TRIES` times) while it does not lower alone on the run."""
    for _ in range(TRIES - 1):
        text = Gen(rng, spe).schedule()
        read = {k: v for k, v in params.items() if f"${k}" in text}
        try:
            with limit(LRDSL_LIMIT):
                lrdsl.lower(text, total, spe, read)
            return text
        except (lrdsl.LrdslError, Hang):
            if total is None:
                return text  # flexible members take the set's run: kept as drawn
    return Gen(rng, spe).schedule()


def alone(case: Case, name: str) -> Case:
    """Member ``name`` of the set ``case`` as a schedule alone, on the set's run, with the parameters it reads."""
    member = lrdsl.parse_set(case.text).member(name)
    read = {k: v for k, v in case.params.items() if k in params_read(member)}
    return Case(str(member), case.total, case.spe, read, case.steps)


class SetChecker(Checker):
    """Runs set inputs and fills the report (the single-schedule checks reused member by member)."""

    member = "lr"
    """The member being checked (:meth:`with_c_pow` computes it)."""

    def with_c_pow(self, case: Case, step: int) -> float:
        """:meth:`Checker.with_c_pow` of the member being checked."""
        return super().with_c_pow(alone(case, self.member), step)

    def run(self, case: Case, rng: random.Random) -> str:
        """Check one set; return what happened."""
        try:
            with limit(LRDSL_LIMIT):
                plans = lower_set(case.text, RunArgs(case.total, case.spe, case.params))
        except lrdsl.LrdslError:
            return self.gen_rejects_too(case)
        klass = "set:" + ("+".join(sorted(set().union(*(features(p.ir) for p in plans.values())))) or "core")
        case.total = next(iter(plans.values())).total
        case.steps = pick_steps(rng, case.total)
        try:
            return self.check_set(case, plans, klass)
        except Hang as exc:
            self.fail("hang", case, f"{self.doing}: {exc}", klass)
            return "hang"

    def check_set(self, case: Case, plans: dict[str, Any], klass: str) -> str:
        self.doing = "the interpreter"
        with limit(LRDSL_LIMIT):
            want = self.member_values(case, plans)
        for name, plan in plans.items():
            self.member = name
            self.doing = f"the reference interpreter ({name})"
            with limit(LRDSL_LIMIT):
                if not self.reference(case, plan.ir, f"{klass}:{name}", want[name]):
                    return "disagreement"
            if not self.same_alone(case, name, klass, want[name]):
                return "disagreement"
        return self.generated(case, plans, klass, want)

    def member_values(self, case: Case, plans: dict[str, Any]) -> dict[str, dict[int, float | str]]:
        """``evaluate_set`` at the case's steps, member by member; where it refuses, each member's values or
        refusals step by step (:func:`fuzz.differential.interpreter_values`)."""
        try:
            values = lrdsl.evaluate_set(case.text, case.total, case.spe, steps=case.steps, params=case.params)
        except lrdsl.LrdslError:
            return {name: interpreter_values(plan.ir, case.steps) for name, plan in plans.items()}
        return {name: dict(zip(case.steps, v.tolist())) for name, v in values.items()}

    def same_alone(self, case: Case, name: str, klass: str, want: dict[int, float | str]) -> bool:
        """The member lowered alone, as a schedule, on the set's run gives ``evaluate_set``'s values exactly."""
        single = alone(case, name)
        self.doing = f"member {name} alone"
        with limit(LRDSL_LIMIT):
            plan = lrdsl.lower(single.text, single.total, single.spe, single.params)
            mine = interpreter_values(plan.ir, case.steps)
        for step, value in want.items():
            other = mine[step]
            if other != value and not (isinstance(value, str) and isinstance(other, str)):
                self.fail("disagreement", case, f"{name}({step}): in the set {value!r}, alone {other!r}", klass)
                return False
        self.report.compared["set: member alone, the same"] += 1
        return True

    def generated(self, case: Case, plans: dict[str, Any], klass: str, want: dict[str, dict[int, float | str]]) -> str:
        """``gen --target python`` of the set: every member's function and ``values(step)`` against ``want``."""
        try:
            self.doing = "gen python"
            with limit(LRDSL_LIMIT):
                code = generate(case.text, "python", case.total, case.spe, params=case.params)
        except lrdsl.LrdslError as err:
            return self.gen_refuses(case, plans, klass, want, err)
        refused = [(n, s, v) for n, values in want.items() for s, v in values.items() if isinstance(v, str)]
        if refused:
            name, step, message = refused[0]
            self.fail("disagreement", case, f"gen accepts; the interpreter refuses {name} at {step}: {message}", klass)
            return "disagreement"
        module = load(code, "python_set")
        for name, values in want.items():
            self.member = name
            floats = {s: float(v) for s, v in values.items()}
            fn = getattr(module, function_name(name))
            if not self.compare(case, klass, f"python {name}", fn, floats):
                return "disagreement"
            of_values = functools.partial(lambda s, member: module.values(s)[member], member=name)
            if not self.compare(case, klass, f"python values()[{name!r}]", of_values, floats):
                return "disagreement"
        return "compared (python set)"

    def gen_refuses(
        self,
        case: Case,
        plans: dict[str, Any],
        klass: str,
        want: dict[str, dict[int, float | str]],
        err: lrdsl.LrdslError,
    ) -> str:
        """A refusal by ``gen`` is right when the interpreter refuses some step of some member."""
        if any(isinstance(v, str) for values in want.values() for v in values.values()):
            return "refused by both"
        self.doing = "the interpreter over the run"
        with limit(LRDSL_LIMIT):
            confirmed = [refuses_somewhere(plan.ir, plan.total) for plan in plans.values()]
        if any(confirmed):
            return "refused by both"
        if None in confirmed:
            return "refused by gen (run too long to confirm)"
        self.fail("disagreement", case, f"gen refuses ({err.message}); the interpreter computes every step", klass)
        return "disagreement"


__all__ = ["SetChecker", "make_set_case"]
