"""Gunicorn settings for a SASMS web node (``gunicorn -c /etc/sasms/gunicorn.conf.py sasms.wsgi``)."""

import multiprocessing
import os
import shutil

bind = os.environ.get("SASMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SASMS_WEB_PROCESSES", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("SASMS_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory growth of long-lived processes)
max_requests_jitter = 200
accesslog = "-"
access_log_format = '%({x-request-id}o)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("SASMS_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):  # type: ignore[no-untyped-def]
    # prometheus-client multiprocess mode: one directory per node, emptied at every start.
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
