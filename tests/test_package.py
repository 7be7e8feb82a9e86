"""The package's surface as a newcomer meets it: ``dir(lrdsl)`` and tab completion list every public name."""

from __future__ import annotations

import subprocess
import sys


def test_dir_and_tab_completion_list_the_lazy_public_names() -> None:
    code = (
        "import rlcompleter, sys, lrdsl\n"
        "names = dir(lrdsl)\n"
        "print(sorted(set(lrdsl.__all__) - set(names)), 'numpy' in sys.modules)\n"
        "complete = rlcompleter.Completer({'lrdsl': lrdsl})\n"
        "found = [complete.complete('lrdsl.f', i) for i in range(40)]\n"
        "print(sorted(n for n in found if n))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    missing, completions = out.stdout.splitlines()
    assert missing == "[] False"  # nothing hidden, dir() imports nothing
    for name in ("lrdsl.fit(", "lrdsl.from_torch(", "lrdsl.from_optax("):
        assert name in completions, completions


def test_every_public_name_is_documented_and_the_python_page_examples_run() -> None:
    import doctest
    import re

    import lrdsl
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    assert not [name for name in lrdsl.__all__ if not re.search(rf"\b{name}\b", page)]
    parser = doctest.DocTestParser()
    fenced = re.sub(r"^```.*$", "", page, flags=re.M)  # a fence ends an example's expected output
    test = parser.get_doctest(fenced, {"lrdsl": lrdsl}, "docs/python.md", "docs/python.md", 0)
    assert len(test.examples) >= 4
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.failed == 0
