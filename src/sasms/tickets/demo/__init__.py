"""Demo step: two years of service-request history (see :mod:`sasms.tickets.demo.build`)."""

from sasms.tickets.demo.build import build_step

__all__ = ["build_step"]
