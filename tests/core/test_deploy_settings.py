import os
import subprocess
import sys


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe access in this process; a deployment never does.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SASMS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "sasms.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_passes_check_deploy_without_warnings(tmp_path):
    result = run_check(
        {
            "SASMS_MODE": "production",
            "SASMS_SECRET_KEY": "p" * 20 + "Zq8#xL2!vN5@kR7$wT1%yU4^mB6&cD9*eF3",
            # Encryption keys for stored credentials (BMCs, mailboxes, chat robots).
            "SASMS_SECRET_KEYS": "c2FzbXMtZGVwbG95LWNoZWNrLXRlc3Qta2V5LTAwMDE=",
            "SASMS_ALLOWED_HOSTS": "sasms.example.com",
            "SASMS_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check({"SASMS_MODE": "production", "SASMS_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SASMS_SECRET_KEY" in result.stderr


def _embedded_secret_key(var_dir: object) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SASMS_") and k != "DATABASE_URL"}
    env["SASMS_VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [sys.executable, "-c", "import sasms.settings as s; print(s.SECRET_KEY)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_an_embedded_installation_makes_and_keeps_its_own_secret_key(tmp_path):
    from sasms.settings import SASMS_LEGACY_SECRET_KEY

    first = _embedded_secret_key(tmp_path / "one")
    assert first != SASMS_LEGACY_SECRET_KEY
    assert len(first) >= 50
    assert _embedded_secret_key(tmp_path / "one") == first  # kept across restarts
    assert (tmp_path / "one" / "secret_key").stat().st_mode & 0o077 == 0  # the owner's alone
    assert _embedded_secret_key(tmp_path / "two") != first  # each installation its own
