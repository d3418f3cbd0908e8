"""The portal has no models of its own: it is pages over the domain apps.

Surveys, their answers and deflections are :mod:`sasms.feedback`'s (their tables kept the
``portal_`` names; see ``portal/migrations/0002_feedback_moved_out.py``).
"""
