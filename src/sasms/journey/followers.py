"""What follows a request's timeline event, in the order it happens.

Every event a service writes (``sasms.tickets.events.record_event``: created, assigned, a reply,
a status change, a visit step, a part used …) is handed to each follower below, in this order,
inside the transaction that records it, after the request has its SR number. Add a follower here
and in ``docs/request-journey.md``; the tickets app never imports the followers (they build on it),
so this list lives in the one app allowed to import them all.

The order matters: the clocks move first, so everything after sees the request's SLA state as of
this event; deliveries come last, so a webhook announces what the steps before it did.

On failure (``on_failure``):

- ``rolls_back``: the error is logged with the request id and the follower's name and reaches
  the caller; the whole step, the event included, is rolled back and the person (or the phone
  app, which retries) sees the error. Used where a half-followed event would leave the request
  wrong: clocks, dispatch, the survey invitation, the classification hook and the deliveries.
- ``problem_row``: the follower catches its own failure in a savepoint, logs it with the request
  id and records a row a person works through; the caller's step stands. Used only for booking a
  part used on a visit: the engineer on site must be able to record the part whatever the stock
  books say, and the parts clerk settles it from the problem list.
"""

from sasms.dispatch.services import assign as dispatch
from sasms.feedback import services as feedback
from sasms.integrations.services import classification, deliveries
from sasms.parts.services import usage as parts_usage
from sasms.sla.clocks import services as clocks
from sasms.tickets.events import Follower

FOLLOWERS: list[Follower] = [
    # Start, pause, resume, meet and re-target the SLA clocks (response, dispatch, on-site, parts,
    # resolution, update cadence) from the event; on a coverage change replay the timeline.
    Follower("sla.clocks", clocks.on_ticket_event),
    # A new request of an auto-dispatch priority nobody has taken is dispatched once the creation
    # commits (a task); a check-in on site moves the engineer's known position.
    Follower("dispatch.auto_dispatch", dispatch.on_ticket_event),
    # A part used on a visit: consume the reservation, issue the stock, record the swap on the
    # server and expect the defective part back.
    Follower("parts.book_usage", parts_usage.on_ticket_event, on_failure="problem_row"),
    # A request that becomes resolved invites its contact to the satisfaction survey.
    Follower("feedback.survey_invitation", feedback.on_ticket_event),
    # A new automatic request (alert, BMC, e-mail) is queued for the classifier once it commits.
    Follower("integrations.classification", classification.on_ticket_event),
    # One delivery per chat robot or webhook that listens for the event, sent after commit.
    Follower("integrations.deliveries", deliveries.on_ticket_event),
]
