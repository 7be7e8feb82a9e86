"""``python -m lrdsl``."""

from lrdsl.cli import entry

entry()
