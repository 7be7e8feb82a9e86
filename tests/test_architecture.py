"""docs/architecture.md's "where a change goes" rows, checked by making the change.

A new IR node is registered as lowering's own nodes are (:func:`lrdsl.ir.register`); then every
reader of the IR must fail at its definition until it has a handler: each walker class of the
package (found by importing every module, not from a list) is defined again and must raise,
naming the missing handler. Generic walks read :func:`lrdsl.ir.children`, which knows the new
node from its annotations and refuses a class that was never registered.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import lrdsl
from lrdsl import ir
from tests.conftest import ROOT

# The walkers the rows name, by where they live: discovery must find at least these.
KNOWN_WALKERS = {
    "lrdsl.ir.interpreter._Interpreter",
    "lrdsl.ir.interpreter._RecurStep",
    "lrdsl.ir.reference_interpreter._Reference",
    "lrdsl.tools.explain._Phases",
    "lrdsl.tools.explain._Marks",
    "lrdsl.lowering.points._Point",
    "lrdsl.lowering.shapes._Constant",
    "lrdsl.codegen.scalar.ScalarPrinter",
    "lrdsl.codegen.tensor.TensorPrinter",
    "lrdsl.codegen.targets.keras.Printer",
    "lrdsl.codegen.verify._Boundaries",
    "lrdsl.ir.ranges._Bounds",
}


@dataclass(frozen=True, slots=True)
class Hold:
    """A dummy frame: ``body`` at local time ``min(u, at)``."""

    at: float
    body: ir.Sched


@dataclass(frozen=True, slots=True)
class Twice:
    """A dummy arithmetic node: ``2·x``."""

    x: ir.Arith


def _walkers() -> list[type[ir.Walker]]:
    """Every concrete walker class of the package (its modules imported, then ``Walker``'s subclasses)."""
    for module in pkgutil.walk_packages(lrdsl.__path__, "lrdsl."):
        if module.name != "lrdsl.__main__":
            importlib.import_module(module.name)

    def below(cls: type[ir.Walker]) -> Iterator[type[ir.Walker]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return [w for w in below(ir.Walker) if "_dispatch" in w.__dict__ and w.__module__.startswith("lrdsl.")]


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.fixture
def registered() -> Iterator[None]:
    """``Hold`` a frame and ``Twice`` an arithmetic node of the IR, for one test."""
    families, children = dict(ir.FAMILIES), dict(ir.CHILDREN)
    _walkers()  # every module imported before the new nodes exist, as the package was
    ir.register(Hold, "sched")
    ir.register(Twice, "arith")
    try:
        yield
    finally:
        ir.FAMILIES.clear()
        ir.FAMILIES.update(families)
        ir.CHILDREN.clear()
        ir.CHILDREN.update(children)


def _redefined(cls: type[ir.Walker]) -> type:
    """``cls`` defined again (a subclass with nothing of its own): its dispatch is built now."""
    return types.new_class(cls.__name__, (cls,), {})


def test_discovery_finds_every_walker_the_rows_name() -> None:
    assert {_name(w) for w in _walkers()} >= KNOWN_WALKERS


def test_a_new_frame_fails_every_walker_at_its_definition(registered: None) -> None:
    """Row "a new frame": one handler in each walker of schedules, or the walker fails where it is defined."""
    readers = [w for w in _walkers() if "sched" in w.WALKS]
    assert len(readers) >= len(KNOWN_WALKERS) - 2  # all but the two that read arithmetic alone
    for walker in readers:
        with pytest.raises(TypeError, match=r"has no .*\b_hold\b"):
            _redefined(walker)


def test_a_new_arithmetic_node_fails_every_walker_that_reads_arithmetic(registered: None) -> None:
    """Row "a new arithmetic node": each walker with ``"arith"`` in ``WALKS`` fails without ``_twice``."""
    readers = [w for w in _walkers() if "arith" in w.WALKS]
    assert {"lrdsl.ir.interpreter._Interpreter", "lrdsl.ir.reference_interpreter._Reference"} <= {
        _name(w) for w in readers
    }
    for walker in readers:
        with pytest.raises(TypeError, match=r"\b_twice\b"):
            _redefined(walker)


def test_a_walker_with_every_handler_is_defined(registered: None) -> None:
    from lrdsl.ir import reference_interpreter as interpreter_reference

    class Complete(interpreter_reference._Reference):
        def _hold(self, node: Hold, u: float) -> float:
            return float(self.walk(node.body, min(u, node.at)))

        def _twice(self, e: Twice, u: float | None, lr: float | None) -> float:
            return 2.0 * float(self.walk(e.x, u, lr))

    twice: Any = Twice(ir.Var("u"))  # the dummy nodes are not in the IR's unions, for the type checker
    node = Hold(3.0, ir.Formula(ir.Bin("+", twice, ir.Const(1.0))))
    assert [Complete().walk(node, float(u)) for u in range(5)] == [1.0, 3.0, 5.0, 7.0, 7.0]


def test_generic_walks_know_a_new_node_from_its_annotations(registered: None) -> None:
    twice: Any = Twice(ir.Param("a"))
    held: Any = Hold(2.0, ir.Formula(twice))
    node = ir.Seq((0.0, 5.0), (held, ir.Formula(ir.Const(1.0))))
    assert ir.children(held) == (ir.Formula(twice),)
    assert ir.children(twice) == (ir.Param("a"),)
    assert [type(n).__name__ for n in ir.nodes(node)] == [
        "Seq",
        "Hold",
        "Formula",
        "Twice",
        "Param",
        "Formula",
        "Const",
    ]
    bound = ir.bind_params(node, {"a": 0.5})
    assert bound.parts[0] == Hold(2.0, ir.Formula(Twice(ir.Const(0.5))))  # type: ignore[arg-type]
    assert ir.reads(ir.Bin("*", Twice(ir.Var("u")), ir.Var("u")), "u") == 2  # type: ignore[arg-type]


def test_a_class_never_registered_is_refused_not_skipped() -> None:
    unknown = Hold(1.0, ir.Formula(ir.Const(1.0)))
    with pytest.raises(TypeError, match="Hold is not a node of the IR"):
        ir.children(unknown)
    with pytest.raises(TypeError, match="Hold is not a node of the IR"):
        ir.rebuilt(unknown, lambda child: child)
    with pytest.raises(TypeError, match="Hold is not a node of the IR"):
        list(ir.nodes(ir.Clamp(1.0, unknown)))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Twice is not a node of the IR"):
        ir.reads(ir.Bin("+", Twice(ir.Var("u")), ir.Const(1.0)), "u")  # type: ignore[arg-type]


def test_the_interpreter_fails_at_import_without_a_handler() -> None:
    """In a fresh process: a node registered before the interpreter is imported stops the import."""
    code = (
        "from dataclasses import dataclass\n"
        "from lrdsl import ir\n"
        "@dataclass(frozen=True)\n"
        "class Hold:\n"
        "    at: float\n"
        "    body: ir.Sched\n"
        "ir.register(Hold, 'sched')\n"
        "import lrdsl.ir.interpreter\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 1
    assert "TypeError: _Interpreter reads the IR but has no _hold" in proc.stderr


# A new math function (docs/architecture.md, "a new math function"): its row is checked with the
# one table per operation, by adding a dummy function to that table; `_walkers()` above lists the
# readers it must reach.
