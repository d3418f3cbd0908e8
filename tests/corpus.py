"""The real-world test corpus: where it is, and what the test run does when it is not there.

The corpus (captured Alertmanager payloads, e-mail from the wild, Redfish mockups of real BMCs) is
third-party data with its own licences, so it stays outside the repository: by default in
``../shared/fixtures`` beside the checkout, elsewhere with ``SASMS_CORPUS_DIR``. Tests that read it
carry the ``corpus`` marker. Without the corpus those tests are deselected, never skipped, and the
run says so at its start and in its summary; with it, a test that reads the corpus without the
marker fails, so a fresh clone never meets a test that needs files it does not have.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MARKER = "corpus"
ENV_DIR = "SASMS_CORPUS_DIR"
# CI sets it: there a missing corpus is a broken machine, not a fresh clone.
ENV_REQUIRED = "SASMS_REQUIRE_CORPUS"
DEFAULT_LABEL = "../shared/fixtures"
REPOSITORY = Path(__file__).resolve().parents[1]


def configured_dir() -> tuple[Path, str]:
    """The corpus directory and the way to name it to a person (as configured, not resolved)."""
    configured = os.environ.get(ENV_DIR, "")
    if configured:
        return Path(configured).expanduser().resolve(), configured
    return REPOSITORY.parent / "shared" / "fixtures", DEFAULT_LABEL


CORPUS_DIR, CORPUS_LABEL = configured_dir()


def not_found_message(count: int | None) -> str:
    where = f"real-world corpus not found at {CORPUS_LABEL}"
    if count is None:
        return f"{where}: tests that need it will not be run (README: 'Tests and the real-world corpus')"
    tests = "1 test that needs it was" if count == 1 else f"{count} tests that need it were"
    return f"{where}: {tests} not run"


class CorpusPlugin:
    """Deselects the ``corpus`` tests without the corpus; with it, keeps the marker honest."""

    def __init__(self, directory: Path, label: str) -> None:
        self.directory = directory
        self.label = label
        self.present = directory.is_dir()
        self.deselected = 0
        self._prefix = os.path.join(str(directory), "")
        self._current: pytest.Item | None = None
        self._read_unmarked: str | None = None
        if self.present:
            _watch_reads(self)

    def pytest_report_header(self, config: pytest.Config) -> str:
        if self.present:
            return f"real-world corpus: {self.directory}"
        return not_found_message(None)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # -q leaves out the report header; the notice still comes first.
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if not self.present and reporter is not None and session.config.get_verbosity() < 0:
            reporter.write_line(not_found_message(None), yellow=True, bold=True)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.present:
            return
        needing = [item for item in items if item.get_closest_marker(MARKER)]
        self.deselected = len(needing)
        workeroutput = getattr(config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: its controller prints the summary
            workeroutput["corpus_deselected"] = self.deselected
        if needing:
            config.hook.pytest_deselected(items=needing)
            items[:] = [item for item in items if not item.get_closest_marker(MARKER)]

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
        if self.present:
            return
        terminalreporter.write_sep("=", not_found_message(self.deselected), yellow=True, bold=True)
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.deselected:
            terminalreporter.write_line(
                f"No test ran: every selected test needs the corpus. Point {ENV_DIR} at it to run them.",
                red=True,
                bold=True,
            )

    # --- with the corpus present: a test that reads it must say so -------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        return (yield from self._watched(item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        return (yield from self._watched(item))

    def _watched(self, item: pytest.Item) -> Iterator[None]:
        if not self.present or item.get_closest_marker(MARKER):
            return (yield)
        self._current, self._read_unmarked = item, None
        try:
            result = yield
        finally:
            self._current = None
        if self._read_unmarked is not None:
            pytest.fail(
                f"{item.nodeid} reads the real-world corpus ({self._read_unmarked}) but is not marked "
                f"'{MARKER}': a clone without the corpus would fail it. Add @pytest.mark.{MARKER}.",
                pytrace=False,
            )
        return result

    def saw(self, path: object) -> None:
        if self._current is None or self._read_unmarked is not None:
            return
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        if isinstance(path, str) and os.path.join(os.path.abspath(path), "").startswith(self._prefix):
            self._read_unmarked = path


class XdistCorpusCount:
    """On the xdist controller: the workers' deselection count, for the summary."""

    def __init__(self, plugin: CorpusPlugin) -> None:
        self.plugin = plugin

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {})
        self.plugin.deselected = max(self.plugin.deselected, int(output.get("corpus_deselected", 0)))


_watching: list[CorpusPlugin] = []
_WATCHED_EVENTS = frozenset({"open", "os.scandir", "os.listdir"})


def _watch_reads(plugin: CorpusPlugin) -> None:
    # An audit hook sees every file the test opens, in any thread (the mockup servers read in
    # their own). Hooks cannot be removed, so one hook per process serves the newest plugin.
    if not _watching:

        def hook(event: str, args: tuple[Any, ...]) -> None:
            if event in _WATCHED_EVENTS and args:
                _watching[-1].saw(args[0])

        sys.addaudithook(hook)
    _watching.append(plugin)


def configure(config: pytest.Config) -> None:
    """Register the corpus handling for this run (called from the suite's conftest)."""
    plugin = CorpusPlugin(CORPUS_DIR, CORPUS_LABEL)
    if not plugin.present and os.environ.get(ENV_REQUIRED, "") not in ("", "0"):
        raise pytest.UsageError(
            f"real-world corpus not found at {CORPUS_LABEL}, and {ENV_REQUIRED} says this run needs it: "
            f"point {ENV_DIR} at it"
        )
    config.pluginmanager.register(plugin, "sasms-corpus")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistCorpusCount(plugin), "sasms-corpus-xdist")
