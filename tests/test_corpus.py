"""Without the real-world corpus a run deselects the tests that need it and says so; with it, none hides."""

import os

import pytest

from tests.corpus import REPOSITORY

pytest_plugins = ["pytester"]

NEEDS_CORPUS = """
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus


def test_reads_a_payload():
    assert (Path(os.environ["SASMS_CORPUS_DIR"]) / "payload.json").read_text() == "{}"


def test_lists_the_corpus():
    assert os.listdir(os.environ["SASMS_CORPUS_DIR"]) == ["payload.json"]
"""

PLAIN = """
def test_plain():
    assert 1 + 1 == 2
"""

UNMARKED_READER = """
import os
from pathlib import Path


def test_reads_without_saying_so():
    assert (Path(os.environ["SASMS_CORPUS_DIR"]) / "payload.json").read_text() == "{}"
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A small suite that loads the project's corpus handling the way tests/conftest.py does."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("SASMS_REQUIRE_CORPUS", raising=False)
    pytester.makeini(
        # Only the plugins the corpus handling meets in the real run; the others just slow the start.
        "[pytest]\naddopts = --strict-markers -p no:cacheprovider -p no:django -p no:schemathesis"
        " -p no:locust\n"
        "markers =\n    corpus: reads the real-world corpus\n"
    )
    pytester.makeconftest(
        "from tests import corpus\n\n\ndef pytest_configure(config):\n    corpus.configure(config)\n"
    )
    pytester.makepyfile(test_needs_corpus=NEEDS_CORPUS, test_plain=PLAIN)
    return pytester


def missing(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> str:
    label = str(suite.path / "no-such-corpus")
    monkeypatch.setenv("SASMS_CORPUS_DIR", label)
    return label


def test_without_the_corpus_its_tests_are_deselected_and_the_run_says_so(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    label = missing(suite, monkeypatch)
    result = suite.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, deselected=2)  # deselected, never skipped
    lines = result.outlines
    start = lines.index(
        f"real-world corpus not found at {label}: tests that need it will not be run "
        "(README: 'Tests and the real-world corpus')"
    )
    first_result = next(i for i, line in enumerate(lines) if line.startswith("test_"))
    assert start < first_result
    result.stdout.fnmatch_lines(
        [f"*real-world corpus not found at {label}: 2 tests that need it were not run*"]
    )


def test_the_notice_comes_first_in_a_quiet_run_too(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    label = missing(suite, monkeypatch)
    result = suite.runpytest_subprocess("-q")
    assert result.outlines[0].startswith(f"real-world corpus not found at {label}:")
    result.stdout.fnmatch_lines(["*2 tests that need it were not run*", "1 passed, 2 deselected*"])


def test_a_run_of_only_corpus_tests_without_the_corpus_fails(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    missing(suite, monkeypatch)
    result = suite.runpytest_subprocess("test_needs_corpus.py")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["*2 tests that need it were not run*", "No test ran: every selected test*"])


def test_parallel_workers_report_the_count(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    missing(suite, monkeypatch)
    result = suite.runpytest_subprocess("-n", "2")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*2 tests that need it were not run*", "*1 passed*"])


def test_a_run_that_requires_the_corpus_stops_without_it(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    missing(suite, monkeypatch)
    monkeypatch.setenv("SASMS_REQUIRE_CORPUS", "1")
    result = suite.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*real-world corpus not found at*SASMS_REQUIRE_CORPUS says this run needs it*"]
    )


def test_with_the_corpus_every_test_runs_and_an_unmarked_reader_fails(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    corpus = suite.mkdir("corpus")
    (corpus / "payload.json").write_text("{}")
    monkeypatch.setenv("SASMS_CORPUS_DIR", str(corpus))
    suite.makepyfile(test_unmarked=UNMARKED_READER)
    result = suite.runpytest_subprocess()
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*test_unmarked.py::test_reads_without_saying_so reads the real-world corpus ({corpus}*"
            "is not marked 'corpus'*"
        ]
    )
    assert "not found" not in result.stdout.str()
