"""How long work (the demo data set, imports) reports its progress: ``(label, done, total)``."""

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
