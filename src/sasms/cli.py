"""The ``sasms`` console command: ``run``, ``demo`` and every Django management command."""

import os
import sys
import threading


def _serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="sasms run", description="Serve SASMS with its background jobs.")
    parser.add_argument("--host", default=os.environ.get("SASMS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SASMS_PORT", "8000")))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-jobs", action="store_true", help="do not run periodic jobs in this process")
    options = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from waitress import create_server

    from sasms.core.scheduler import InProcessScheduler
    from sasms.wsgi import application

    _migrate()
    _collect_static_if_missing()
    address = f"http://{options.host}:{options.port}/"
    try:  # listen before anything says SASMS is serving, or starts its jobs
        server = create_server(
            application, host=options.host, port=options.port, threads=options.threads, ident="sasms"
        )
    except OSError as error:
        raise SystemExit(f"sasms run: cannot listen on {address}: {error.strerror or error}") from None
    stop = threading.Event()
    if settings.CELERY_TASK_ALWAYS_EAGER and not options.no_jobs:
        scheduler = InProcessScheduler.from_settings()
        threading.Thread(target=scheduler.run_forever, args=(stop,), name="sasms-jobs", daemon=True).start()
        jobs = "background jobs in-process"
        from sasms.assets.tasks import resume_interrupted_imports

        if resumed := resume_interrupted_imports():
            print(f"Resumed {resumed} asset import(s) interrupted by the last stop")
    elif settings.CELERY_TASK_ALWAYS_EAGER:
        jobs = "no periodic jobs (--no-jobs)"
    else:
        jobs = f"background jobs on Celery workers via {settings.CELERY_BROKER_URL}"
    # The last line on a first start: the demo log-ins come right before it.
    print(f"SASMS is serving on {address} with {jobs} (Ctrl+C to stop)", flush=True)
    try:
        server.run()
    finally:
        stop.set()


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if plan := executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print(f"Migrating the database ({len(plan)} to apply)…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)


def _collect_static_if_missing() -> None:
    """Production serves collectstatic's manifest; a start without it would answer 500 on every page."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command

    if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.exists(
        staticfiles_storage.manifest_name
    ):
        print(f"Collecting static files into {settings.STATIC_ROOT} (no manifest there yet)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasms.settings")
    if args and args[0] == "run":
        _serve(args[1:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sasms", *args])


if __name__ == "__main__":
    main()
