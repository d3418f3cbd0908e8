"""The request's journey: what follows each timeline event of a service request, in order.

The followers themselves are listed in :mod:`sasms.journey.followers`; this app sits above every
app it names (see ``docs/architecture.md``) and hands the list to the tickets app when the apps
are ready. ``docs/request-journey.md`` tells the whole route from intake to closure.
"""
