"""Where an installation keeps its files when ``SASMS_VAR_DIR`` does not say.

An installation's uploads, collected static files, outgoing mail files and backups belong with its
database, so two installations on one machine never mix them:

- ``SASMS_VAR_DIR`` when it is set;
- else, with an SQLite database, the directory that holds the database file (``var/`` of the
  checkout for the default ``var/sasms.sqlite3``);
- else, with a database server, ``var/<vendor>-<database name>`` of the checkout.
"""

import re
from pathlib import Path

import environ


def var_dir_for(database_url: str, checkout_var: Path) -> Path:
    """The var directory that belongs to the database ``database_url`` names (empty: the default)."""
    if not database_url:
        return checkout_var
    config = environ.Env.db_url_config(database_url)
    name = str(config.get("NAME") or "")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not name or name == ":memory:" or name.startswith("file:"):
            return checkout_var
        return Path(name).expanduser().resolve().parent
    vendor = str(config["ENGINE"]).rsplit(".", 1)[-1]
    return checkout_var / f"{vendor}-{re.sub(r'[^A-Za-z0-9_.-]', '_', name) or 'default'}"
