"""Restart cycles have one local-time rule (``ir.CycleClock.since``): every reader follows it.

The reference value at step ``t`` is the body's value at the clock's local time, scaled by the
cycle's ``decayⁱ`` (:meth:`ir.Cycles.factor`). The numpy interpreter (sorted and unsorted steps),
lowering's points and the generated Python and PyTorch code each give it within 1 ulp.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrdsl
from lrdsl import api, ir
from lrdsl.api import generate
from lrdsl.ir.interpreter import arith, evaluate_ir, value_at
from lrdsl.ir.reference_interpreter import value as reference_value
from lrdsl.lowering import points
from tests.frameworks import load, need
from tests.gen_cases import BIG, cases

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def restart(draw: st.DrawFn, few: bool = False) -> tuple[str, int]:
    """``cosine(1→0.1) * restart(period=p/q, mult, decay)`` with a small ``q``, and a run length (``few``: one of
    at most ``ir.MAX_UNROLLED`` cycles, which lowering unrolls)."""
    q = draw(st.sampled_from([1, 2, 3, 4, 5, 7, 8, 10]))
    p = draw(st.integers(min_value=q, max_value=12 * q))
    mult = draw(st.sampled_from([1, 2]))
    decay = draw(st.sampled_from(["1", "0.5", "0.9"]))
    period = f"{p}/{q}" if q in (3, 7) or draw(st.booleans()) else repr(p / q)  # p/q: a float's ratio
    total = draw(st.integers(min_value=10, max_value=min(300, ir.MAX_UNROLLED * p // q) if few else 300))
    return f"cosine(1→0.1) * restart(period={period}, mult={mult}, decay={decay})", total


def _cycles(node: ir.Sched) -> ir.Cycles:
    """The restart under the clamps, as :class:`ir.Cycles` (an unrolled one as the restart it came from)."""
    while not isinstance(node, (ir.Cycles, ir.Unrolled)):
        assert isinstance(node, ir.Clamp), node
        node = node.body
    return node.cycles() if isinstance(node, ir.Unrolled) else node


def _unrolled(node: ir.Sched) -> ir.Unrolled:
    while isinstance(node, ir.Clamp):
        node = node.body
    assert isinstance(node, ir.Unrolled), node
    return node


def reference(expr: str, total: int) -> np.ndarray:
    """The one definition: ``decayⁱ · body(since(t, i))`` at each step of the run."""
    node = _cycles(api.lower(expr, total).ir)
    out = []
    for t in range(total):
        i, local = node.clock.local(float(t), node.count - 1)
        out.append(node.factor(i) * value_at(node.body, local))
    return np.array(out)


@SETTINGS
@given(restart())
def test_the_interpreter_follows_the_rule(case: tuple[str, int]) -> None:
    expr, total = case
    want = reference(expr, total)
    np.testing.assert_array_max_ulp(lrdsl.evaluate(expr, total), want, maxulp=1)
    backwards = list(range(total - 1, -1, -1))  # unsorted steps: each one's cycle gathered apart
    np.testing.assert_array_max_ulp(lrdsl.evaluate(expr, total, steps=backwards)[::-1], want, maxulp=1)


@SETTINGS
@given(restart(few=True))
def test_unrolled_pieces_are_the_rule_as_data(case: tuple[str, int]) -> None:
    """Lowering writes few cycles out as pieces: each piece's first time, local time and factor are the
    clock's, so the reference interpreter, which reads only the tables, follows the rule bit for bit."""
    expr, total = case
    node = _unrolled(api.lower(expr, total).ir)
    clock = node.cycles().clock
    assert node.count <= ir.MAX_UNROLLED
    for t in range(total):
        i, local = clock.local(float(t), node.count - 1)
        assert node.local(float(t)) == (i, local)
    assert node.factor == tuple(node.cycles().factor(i) for i in range(node.count))
    got = [reference_value(api.lower(expr, total).ir, float(t)) for t in range(total)]
    assert got == reference(expr, total).tolist()


def test_only_many_cycles_stay_cycles() -> None:
    """``ir.restart`` unrolls up to ``MAX_UNROLLED`` cycles; beyond, a table would grow with the run."""
    body = ir.Formula(ir.Var("u"))
    few = ir.restart(body, Fraction(7, 3), Fraction(1), 0.5, ir.MAX_UNROLLED, 150.0)
    many = ir.restart(body, Fraction(7, 3), Fraction(1), 0.5, ir.MAX_UNROLLED + 1, 152.0)
    assert isinstance(few, ir.Unrolled) and few.count == ir.MAX_UNROLLED
    assert isinstance(many, ir.Cycles)
    assert few.cycles() == ir.Cycles(body, Fraction(7, 3), Fraction(1), 0.5, ir.MAX_UNROLLED, 150.0)


@SETTINGS
@given(restart())
def test_points_follow_the_rule(case: tuple[str, int]) -> None:
    expr, total = case
    node = api.lower(expr, total).ir
    got = [float(arith(points._at(node, float(t)), {})) for t in range(total)]
    np.testing.assert_array_max_ulp(np.array(got), reference(expr, total), maxulp=1)


@SETTINGS
@given(restart())
def test_generated_python_follows_the_rule(case: tuple[str, int]) -> None:
    expr, total = case
    lr = load(generate(expr, "python", total), "python_restart").lr
    np.testing.assert_array_max_ulp(np.array([lr(t) for t in range(total)]), reference(expr, total), maxulp=1)


@pytest.mark.frameworks
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(restart())
def test_generated_torch_follows_the_rule(case: tuple[str, int]) -> None:
    torch = need("torch")
    expr, total = case
    scheduler_class = load(generate(expr, "torch", total), "torch_restart").Scheduler
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    scheduler = scheduler_class(opt)
    seen = []
    for _ in range(total):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    np.testing.assert_array_max_ulp(np.array(seen), reference(expr, total), maxulp=1)


def test_a_period_of_seven_thirds_has_one_local_time() -> None:
    """``CycleClock.local`` once measured cycles from ``float(i·7/3)``: the last bit differed from every
    reader on 114,284 of 199,999 steps. It is now the rule the readers compute, ``(u·3 − 7i)/3``."""
    clock = ir.cycle_clock(Fraction(7, 3), Fraction(1))
    for u in (3, 5, 1000, 123457, 199999):
        i, local = clock.local(float(u), 10**9)
        assert local == (u * 3 - i * 7) / 3
    many = np.arange(1.0, 200000.0)
    i = np.array([clock.index(x, 10**9) for x in many[::997]])
    assert clock.since_each(many[::997], i).tolist() == [clock.local(x, 10**9)[1] for x in many[::997]]


@pytest.mark.parametrize(
    "expr", ["cosine(1→0.1) * restart(period=1.5, decay=0.9)", "linear(1→0) * restart(period=7/3)"]
)
def test_many_cycles_follow_the_rule_bit_for_bit(expr: str) -> None:
    """Tens of thousands of cycles: ``decayⁱ`` is C's ``pow`` up to where it underflows to 0 (numpy's
    ``power`` differs by an ulp on 328 of the first 6,743 powers of 0.9), sorted steps or not."""
    n = 120_000
    node = _cycles(api.lower(expr, n).ir)
    steps = np.arange(n, dtype=np.float64)
    i = np.array([node.clock.index(t, node.count - 1) for t in steps])
    want = np.array([node.factor(int(k)) for k in i]) * evaluate_ir(node.body, node.clock.since_each(steps, i))
    assert np.array_equal(lrdsl.evaluate(expr, n), want)
    assert np.array_equal(lrdsl.evaluate(expr, n, steps=steps[::-1])[::-1], want)


def test_printers_meet_cycles_only_past_the_unrolled_limit() -> None:
    """Over the whole case table, every restart a printer meets as ``ir.Cycles`` has more than
    ``MAX_UNROLLED`` cycles; the rest arrive unrolled, their pieces no more than that."""
    seen = {ir.Cycles: 0, ir.Unrolled: 0}
    table = [(c["expr"], c["steps"], c["steps_per_epoch"]) for c in cases()]
    for expr, steps, spe in [*table, *((text, total, None) for _, text, total, _ in BIG)]:
        try:
            plan = lrdsl.lower(expr, steps, spe)
        except lrdsl.LrdslError:
            continue
        for n in ir.nodes(plan.ir):
            if isinstance(n, ir.Cycles):
                assert n.count > ir.MAX_UNROLLED, expr
            if isinstance(n, ir.Unrolled):
                assert 1 <= n.count <= ir.MAX_UNROLLED, expr
            if type(n) in seen:
                seen[type(n)] += 1
    assert seen[ir.Cycles] and seen[ir.Unrolled]  # the table has both
