"""What the transitions are called on buttons and in timelines, in the person's language.

The names of states and transitions are the contract (DOMAIN.md §3); these are only their
readable labels. The states carry their own labels in their TextChoices.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TRANSITIONS: dict[str, Promise] = {
    # Agenda item
    "submit": _("Submit to the intervision group"),
    "start_preparation": _("Start preparation"),
    "send_back": _("Send back to the author"),
    "endorse": _("Endorse for the cluster"),
    "schedule": _("Put on a meeting's agenda"),
    "postpone": _("Postpone"),
    "unschedule": _("Take off the agenda"),
    "return_for_rework": _("Return for rework"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "take_note": _("Take note"),
    "start_execution": _("Start execution"),
    "withdraw": _("Withdraw"),
    "forward": _("Forward to the next body"),
    "accept_urgency": _("Accept the urgency"),
    # Meeting
    "convene": _("Convene"),
    "open": _("Open the session"),
    "close": _("Close the session"),
    "approve_minutes": _("Approve the minutes"),
    # Action
    "start": _("Start"),
    "block": _("Report blocked"),
    "resume": _("Resume"),
    "reopen": _("Reopen"),
    # Ratification
    "ratify": _("Record the ratification"),
    "decline": _("Record a refusal"),
    "waive": _("Waive"),
    # Shared by several machines
    "complete": _("Complete"),
    "cancel": _("Cancel"),
}


def transition_label(name: str) -> str:
    """Return the readable label of a transition (its name when it has none)."""
    return str(TRANSITIONS.get(name, name.replace("_", " ")))
