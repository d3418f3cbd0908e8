"""The customer portal (``/portal/``): a customer's own servers, contracts and requests, and the
satisfaction survey after each resolution.

Decisions:

* Everything a customer reads goes through the owning app's tenant-scoped selectors; another
  organisation's server, request or survey is answered with 404, like one that does not exist.
* Requests, replies, files and status moves (confirm = ``close``, ``reopen``, ``cancel``) go
  through :mod:`sasms.tickets.services`; the portal adds the plain-language form on top. The
  customer's contact card (the request's requester, who gets the e-mails) is made from their
  account on their first request.
* Surveys: one per request, created by a timeline listener when the request becomes resolved.
  A reopen and a second resolution renew an unanswered invitation (new engineer, new e-mail);
  an answered survey stands and is not sent again. A survey cannot be answered while its request
  is reopened. The e-mail link carries a signed token (``django.core.signing``, own salt) valid
  for ``SASMS_SURVEY_LINK_DAYS`` (30) days; signed-in customers can answer in the portal at any
  time. Answers are kept for analytics with the organisation and the engineer (the assignee at
  resolution) and are recorded on the request's internal timeline.
* Deflections: a customer who says an article solved the problem opens no request; the same
  person confirming the same article again within 30 minutes counts once. The rate is
  deflections / (deflections + requests opened in the portal) over the same customers and days.
"""
