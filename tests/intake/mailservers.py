"""Real mail peers for the tests: a private Dovecot IMAP server and an aiosmtpd SMTP server.

Dovecot runs from a configuration written to a temporary directory, on a free port of 127.0.0.1,
without TLS, with users from a passwd-file. Run as root, its mail processes use ``nobody`` (Dovecot
refuses to open mail as root); run as anyone else, everything runs as that user.
"""

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def append(self, folder: str, *messages: bytes) -> None:
        conn = self.connect()
        try:
            conn.create(f'"{folder}"')
            for raw in messages:
                status, data = conn.append(f'"{folder}"', None, imaplib.Time2Internaldate(time.time()), raw)
                assert status == "OK", data
        finally:
            conn.logout()

    def flags(self, folder: str) -> list[bytes]:
        conn = self.connect()
        try:
            conn.select(f'"{folder}"', readonly=True)
            _status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            return [item for item in data if isinstance(item, bytes)]
        finally:
            conn.logout()


def _config(root: Path, port: int, uid: int, gid: int, as_root: bool) -> str:
    unprivileged = ""
    if not as_root:
        name = pwd.getpwuid(os.getuid()).pw_name
        unprivileged = (
            f"default_internal_user = {name}\ndefault_internal_group = {name}\ndefault_login_user = {name}\n"
        )
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u/Maildir
first_valid_uid = 1
{unprivileged}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@contextlib.contextmanager
def dovecot_server(user: str = "support@example.test", password: str = "secret") -> Iterator[Dovecot]:
    as_root = os.getuid() == 0
    root = Path(tempfile.mkdtemp(prefix="sasms-dovecot-"))
    root.chmod(0o755)  # the mail processes run as nobody when the tests run as root
    for name in ("run", "state", f"mail/{user}"):
        (root / name).mkdir(parents=True)
    (root / "users").write_text(f"{user}:{{PLAIN}}{password}\n")
    if as_root:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        os.chown(root / "mail", uid, gid)
        os.chown(root / "mail" / user, uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, uid, gid, as_root))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    server = Dovecot(port=port, user=user, password=password)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                server.connect().logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise RuntimeError(f"Dovecot did not start: {output}\n{log}") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class SmtpSink:
    port: int
    messages: list[bytes] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)


@contextlib.contextmanager
def smtp_server() -> Iterator[SmtpSink]:
    """aiosmtpd in a thread on a free port; every accepted message is kept in ``messages``."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=free_port())
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            with lock:
                sink.messages.append(bytes(envelope.original_content or envelope.content))
                sink.recipients.append(list(envelope.rcpt_tos))
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
