"""The long API fuzzing run: every operation, 50 generated requests each plus the coverage phase.

    .venv/bin/python tools/fuzz_api.py            # on SQLite in var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sasms_fuzz .venv/bin/python tools/fuzz_api.py

Runs ``tests/security/test_api_fuzz.py`` with more examples than the test command allows itself;
exits with pytest's status.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'fuzz.sqlite3'}")
    env.setdefault("SASMS_FUZZ_EXAMPLES", "50")
    env["SASMS_FUZZ_FULL"] = "1"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "tests/security/test_api_fuzz.py",
    ]
    return subprocess.run(command, cwd=REPO, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
