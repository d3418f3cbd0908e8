"""Feedback from customers: satisfaction surveys after resolution, their answers, and self-service
deflections (an article solved what the customer was about to report).

A domain app: the portal's pages, the API and analytics read and write feedback through
:mod:`sasms.feedback.services` and :mod:`sasms.feedback.selectors`. The tables kept the names
they had when this lived in the portal (``portal_survey``, ``portal_surveyresponse``,
``portal_deflection``).
"""
