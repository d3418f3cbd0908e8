"""SASMS — Server After-Sales Service Management System."""

from sasms.celery import app as celery_app

__all__ = ["celery_app"]
