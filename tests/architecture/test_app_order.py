"""The app order is a rule: an app imports only the apps below it.

``APP_ORDER`` lists SASMS's apps from the kernel up (drawn in ``docs/architecture.md``). Every
import in ``src/sasms`` is read with :mod:`ast` — at module level, inside functions, under
``TYPE_CHECKING`` — and so is every ``importlib.import_module("sasms.…")`` or
``import_string("sasms.…")`` call; an import of an app higher up (or of the project modules on
top: ``settings``, ``urls``, ``demo`` …) breaks the rule.

Today's exceptions are listed in ``allowed_imports.txt``, one ``file -> module`` a line. The list
may only shrink: an import against the order that is not listed fails, and so does a listed line
that no longer matches any import (remove it — the list is kept honest). An app's ``apps.py``
``ready()`` is held to the same rule.
"""

import ast
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "sasms"
ALLOW_LIST = pathlib.Path(__file__).with_name("allowed_imports.txt")

# From the kernel up: each app may import the apps before it, never the apps after it.
APP_ORDER: list[str] = [
    "core",  # the shared kernel: tenancy, audit, outbox, lists, errors, geo, zones, search
    "ops",  # health, metrics, JSON logs, replica routing (plain package, beside the kernel)
    "accounts",
    "assets",
    "contracts",
    "tickets",
    "sla",  # the clocks follow the requests, so SLA builds on tickets
    "dispatch",
    "field",
    "parts",
    "knowledge",
    "feedback",
    "intake",
    "integrations",
    "telemetry",
    "maintenance",
    "proactive",
    "journey",  # the request's journey: imports its followers (sla … integrations)
    "analytics",
    "reports",
    "portal",  # the customer's pages: no app imports the portal
]
# The project's own modules sit on top of every app: nothing in an app imports them.
PROJECT = ["settings", "urls", "api_urls", "celery", "wsgi", "cli", "demo", "formats", "__init__"]
RANK = {name: rank for rank, name in enumerate([*APP_ORDER, *PROJECT])}
TOP = len(APP_ORDER)  # every project module ranks as the top


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository, e.g. src/sasms/core/views.py
    line: int
    source: str  # importing app (or project module)
    target_module: str  # e.g. sasms.accounts.models
    target: str  # imported app (or project module)
    how: str  # "import", "function-local import", "importlib"

    @property
    def key(self) -> str:
        return f"{self.path} -> {self.target_module}"

    def rank(self, name: str) -> int:
        return min(RANK[name], TOP) if name in RANK else -1

    @property
    def against_order(self) -> bool:
        return self.rank(self.target) > self.rank(self.source)

    def explain(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.source} imports {self.target_module} ({self.how}), "
            f"but {self.target} sits above {self.source} in the app order"
        )


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sasms" or len(parts) < 2:
        return None
    return parts[1]


def _source_app(path: pathlib.Path) -> str:
    relative = path.relative_to(SOURCE)
    return relative.parts[0].removesuffix(".py")


def _module_of(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of(path: pathlib.Path) -> Iterator[Import]:
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    text = path.read_text(encoding="utf-8")
    yield from imports_in(text, path=str(path.relative_to(ROOT)), package=package, source=_source_app(path))


def imports_in(text: str, *, path: str, package: str, source: str) -> Iterator[Import]:
    """The imports of other apps in ``text`` (the module at ``path`` of app ``source``)."""
    tree = ast.parse(text, filename=path)
    inside_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside_function.update(id(child) for child in ast.walk(node) if child is not node)
    relative = path
    for node in ast.walk(tree):
        modules: list[str] = []
        how = "function-local import" if id(node) in inside_function else "import"
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            # ``from sasms import demo`` imports the module ``sasms.demo``.
            modules = [f"sasms.{alias.name}" for alias in node.names] if base == "sasms" else [base]
        elif isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if (
                name in ("import_module", "import_string")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                modules = [first.value]
                how = "importlib"
        for module in modules:
            target = _app_of(module)
            if target is None or target == source:
                continue
            yield Import(relative, int(getattr(node, "lineno", 0)), source, module, target, how)


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(SOURCE.rglob("*.py")):
        found.extend(_imports_of(path))
    return found


def against_order() -> list[Import]:
    return [found for found in all_imports() if found.against_order]


def allowed() -> list[str]:
    lines = ALLOW_LIST.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_every_app_is_placed_in_the_order() -> None:
    apps = sorted(
        path.name
        for path in SOURCE.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in PROJECT
    )
    unplaced = [app for app in apps if app not in APP_ORDER]
    assert not unplaced, f"place these apps in APP_ORDER (tests/architecture/test_app_order.py): {unplaced}"
    assert len(set(APP_ORDER)) == len(APP_ORDER)


def test_no_app_imports_an_app_above_it() -> None:
    permitted = set(allowed())
    breaking = [found for found in against_order() if found.key not in permitted]
    assert not breaking, (
        f"the app order is {' < '.join(APP_ORDER)} < the project modules; an app imports only the "
        "apps below it (move the code, or hand it down as an argument; see docs/architecture.md):\n"
        + "\n".join(found.explain() for found in breaking)
    )


def test_the_allow_list_only_shrinks() -> None:
    lines = allowed()
    assert lines == sorted(set(lines)), "keep allowed_imports.txt sorted, one line per file and module"
    present = {found.key for found in against_order()}
    stale = [line for line in lines if line not in present]
    assert not stale, (
        "these allowed imports no longer exist; delete their lines from "
        "tests/architecture/allowed_imports.txt:\n" + "\n".join(stale)
    )


def test_the_reader_sees_every_kind_of_import() -> None:
    """The checker itself: function-local imports, ``from sasms import x``, ``TYPE_CHECKING``,
    relative imports and importlib strings; imports within the app are its own business."""
    text = (
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "from sasms import demo\n"
        "if TYPE_CHECKING:\n"
        "    from sasms.tickets.models import Ticket\n"
        "def f():\n"
        "    from sasms.portal import views\n"
        "    return importlib.import_module('sasms.analytics.kpis')\n"
        "from .geo import great_circle_km\n"
        "from ..accounts.roles import Capability\n"
    )
    found = list(imports_in(text, path="src/sasms/assets/probe.py", package="sasms.assets", source="assets"))
    assert {(i.target_module, i.how, i.line, i.against_order) for i in found} == {
        ("sasms.demo", "import", 3, True),
        ("sasms.tickets.models", "import", 5, True),
        ("sasms.portal", "function-local import", 7, True),
        ("sasms.analytics.kpis", "importlib", 8, True),
        ("sasms.accounts.roles", "import", 10, False),
    }
    message = next(i for i in found if i.target == "portal").explain()
    assert message.startswith(
        "src/sasms/assets/probe.py:7: assets imports sasms.portal (function-local import)"
    )
    assert "portal sits above assets" in message
