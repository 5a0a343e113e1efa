"""The base of every model that has a state machine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin


class StatefulModel(ConcurrentTransitionMixin, models.Model):
    """A model whose `state` only changes through `workflows.engine.fire`.

    `version` grows with every transition and every content edit, so a stale copy
    is refused even when the state went A→B→A meanwhile (ConcurrentTransitionMixin
    alone only compares the state).
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
