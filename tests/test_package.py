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
