"""Satisfaction surveys in privacy exports and erasure: the scores stay, the words go."""

from typing import Any

from sasms.accounts.models import Contact
from sasms.core.privacy import Identity, PrivacySection, register_privacy_section
from sasms.feedback.models import SurveyResponse


def _responses(contact: Contact) -> Any:
    return SurveyResponse.objects.filter(survey__ticket__requester=contact).select_related("survey__ticket")


def export(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "request": r.survey.ticket.number,
            "comment": r.comment,
            "scores": {
                "response_speed": r.response_speed,
                "expertise": r.expertise,
                "resolution": r.resolution,
                "attitude": r.attitude,
            },
        }
        for r in _responses(contact)
    ]


def erase(contact: Contact, identity: Identity) -> int:
    changed = 0
    for response in _responses(contact):
        if response.comment:
            # A free-text comment may say anything about the person; the scores are the statistics.
            SurveyResponse.objects.filter(pk=response.pk).update(comment="")
            changed += 1
    return changed


def register() -> None:
    register_privacy_section(PrivacySection("surveys", export, erase))
