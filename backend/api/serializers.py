"""Representations of the API (DOMAIN.md §5): references are written as ids and read
with their id, nested where a person needs to read them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.agenda.models import AgendaItem, Attachment, Decision, Vote
from backend.audit.models import TransitionLog
from backend.followup.models import Action, ActionNote, Ratification
from backend.meetings.models import AgendaEntry, Attendance, Conflict, Meeting
from backend.organisations.models import (
    Body,
    Coalition,
    Membership,
    Municipality,
    Person,
    Region,
    Service,
)
from backend.reminders.delivery import describe
from backend.reminders.models import Notification
from workflows.declared import COUNTS
from workflows.engine import available_transitions
from workflows.params import LONG_TEXT, unstorable_at, unstorable_reason
from workflows.states import DecidingBody

MAX_TEXT = 20000


class TextField(serializers.CharField):
    """A text that must arrive as a JSON string: 12345 is not a title."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        position = unstorable_at(data)
        if position is not None:
            raise serializers.ValidationError(
                unstorable_reason(self.field_name or "text", position)
            )
        return super().to_internal_value(data)


class PersonRefSerializer(serializers.ModelSerializer[Person]):
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "username", "full_name"]

    def get_full_name(self, person: Person) -> str:
        return person.get_full_name() or person.username


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "name", "slug"]


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = ["id", "name", "slug", "region"]


class MunicipalityRefSerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = ["id", "name"]


class BodyRefSerializer(serializers.ModelSerializer[Body]):
    class Meta:
        model = Body
        fields = ["id", "kind", "name", "code"]


class BodySerializer(serializers.ModelSerializer[Body]):
    class Meta:
        model = Body
        fields = ["id", "kind", "name", "code", "prepares_for", "quorum", "region"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    body = BodyRefSerializer()
    person = PersonRefSerializer()
    substitutes_for = PersonRefSerializer(allow_null=True)
    municipality = MunicipalityRefSerializer(allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "body",
            "person",
            "municipality",
            "role",
            "substitutes_for",
            "start_date",
            "end_date",
        ]


class ServiceSerializer(serializers.ModelSerializer[Service]):
    class Meta:
        model = Service
        fields = ["id", "name", "code", "municipalities", "region"]


class CoalitionSerializer(serializers.ModelSerializer[Coalition]):
    class Meta:
        model = Coalition
        fields = ["id", "name", "municipalities", "region"]


class StatefulSerializer(serializers.ModelSerializer[Any]):
    """Adds `state`, `version` and the transitions the caller may fire now."""

    state = serializers.CharField(read_only=True)
    version = serializers.IntegerField(
        required=False,
        help_text=str(_("The version you edited; a stale one is refused with 409.")),
    )
    available_transitions = serializers.SerializerMethodField()

    def get_available_transitions(self, obj: Any) -> list[str]:
        seen = bool(self.context.get("read_as_visible"))
        # The permissions' answers, remembered across the rows of this representation
        # (one request, one caller): a list asks each once per relation to its rows.
        answers = self.context.setdefault("transition_answers", {})
        user = self.context["request"].user
        return available_transitions(obj, user, seen=seen, answers=answers)


class AgendaItemSerializer(StatefulSerializer):
    title = TextField(max_length=250)
    rationale = TextField(allow_blank=True, required=False, max_length=LONG_TEXT)
    proposed_decision = TextField(allow_blank=True, required=False, max_length=LONG_TEXT)
    author = PersonRefSerializer(read_only=True)
    meeting = serializers.SerializerMethodField()
    decision = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    forwarded_from = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # A cluster or a forum; the model's choices name only clusters (a forwarded item's
    # target is another body). The item services check the kind and the region.
    target_cluster = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "title",
            "rationale",
            "proposed_decision",
            "kind",
            "intervision_group",
            "target_cluster",
            "municipalities",
            "confidential",
            "author",
            "state",
            "version",
            "available_transitions",
            "meeting",
            "decision",
            "forwarded_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_meeting(self, item: AgendaItem) -> int | None:
        """The meeting on whose agenda the item waits for an outcome."""
        pending = [
            e for e in related_rows(item, "entries") if e.outcome == AgendaEntry.Outcome.PENDING
        ]
        return pending[0].meeting_id if pending else None

    def to_representation(self, instance: AgendaItem) -> dict[str, Any]:
        """The fields of Meta.fields, written out: the same values DRF's fields give
        (`tests/api/test_representation.py` compares the two on every kind of item), at a
        fraction of the cost per row. A list of fifty items spent more time in DRF's field
        machinery than in reading the rows."""
        item = instance
        author = item.author
        decision = getattr(item, "decision", None)
        return {
            "id": item.pk,
            "title": str(item.title),
            "rationale": str(item.rationale),
            "proposed_decision": str(item.proposed_decision),
            "kind": _ITEM_KIND.to_representation(item.kind),
            "intervision_group": item.intervision_group_id,
            "target_cluster": item.target_cluster_id,
            "municipalities": [m.pk for m in related_rows(item, "municipalities")],
            "confidential": _BOOLEAN.to_representation(item.confidential),
            "author": None if author is None else person_ref(author),
            "state": str(item.state),
            "version": int(item.version),
            "available_transitions": self.get_available_transitions(item),
            "meeting": self.get_meeting(item),
            "decision": None if decision is None else decision.pk,
            "forwarded_from": item.forwarded_from_id,
            "created_at": _date_time(item.created_at),
            "updated_at": _date_time(item.updated_at),
        }


_ITEM_KIND = serializers.ChoiceField(choices=AgendaItem._meta.get_field("kind").choices)
_BOOLEAN = serializers.BooleanField()
_DATE_TIME = serializers.DateTimeField()


def _date_time(value: Any) -> str | None:
    return None if value is None else _DATE_TIME.to_representation(value)


def person_ref(person: Person) -> dict[str, Any]:
    """What PersonRefSerializer gives, without building its fields for every row."""
    return {
        "id": person.pk,
        "username": str(person.username),
        "full_name": person.get_full_name() or person.username,
    }


def related_rows(obj: Any, name: str) -> Any:
    """The rows of a to-many relation: those `prefetch_related` read, else a query."""
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if obj.pk is None:
        return []
    return cache[name] if name in cache else getattr(obj, name).all()


class AgendaEntrySerializer(serializers.ModelSerializer[AgendaEntry]):
    class Meta:
        model = AgendaEntry
        fields = [
            "id",
            "position",
            "item",
            "session",
            "urgent",
            "outcome",
            # When the body accepted an urgent entry's urgency, and with how many votes
            # (the reason stays with the item's pages, like its title).
            "urgency_accepted_at",
            "urgency_votes_for",
        ]


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    uploaded_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "item",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(allow_empty_file=False, max_length=500)


class EntryNoteSerializer(serializers.ModelSerializer[AgendaEntry]):
    """An agenda entry with the discussion note the minutes print; only the note is written."""

    title = serializers.CharField(source="item.title", read_only=True)
    note = TextField(allow_blank=True, max_length=MAX_TEXT)

    class Meta:
        model = AgendaEntry
        fields = ["id", "position", "item", "title", "session", "urgent", "outcome", "note"]
        read_only_fields = ["id", "position", "item", "session", "urgent", "outcome"]


class PendingDocumentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A document a step of the meeting requested that the worker has not made yet."""

    kind = serializers.CharField(help_text="agenda / minutes / decision_list / followup_report")
    requested_at = serializers.DateTimeField()
    status = serializers.SerializerMethodField(
        help_text="`pending` (being made) or `failed` (tried again until it succeeds)."
    )

    def get_status(self, request: Any) -> str:
        return "failed" if request.failed else "pending"


class MeetingSerializer(StatefulSerializer):
    location = TextField(max_length=200, allow_blank=True, required=False)
    entries = AgendaEntrySerializer(many=True, read_only=True)
    secretary = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        allow_null=True,
        required=False,
        help_text="A secretary of the body or the coordinator (while planned or convened).",
    )
    standing_entries = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The points the meeting starts with, taken from its body when planned.",
    )
    pending_documents = serializers.SerializerMethodField(
        help_text="Documents a step requested that are still being made; "
        "they appear in `documents` once made."
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "starts_at",
            "location",
            "submission_deadline",
            "state",
            "version",
            "available_transitions",
            "standing_entries",
            "entries",
            "opened_at",
            "closed_at",
            "presiding",
            "secretary",
            "pending_documents",
        ]
        read_only_fields = ["opened_at", "closed_at", "presiding"]

    @extend_schema_field(PendingDocumentSerializer(many=True))
    def get_pending_documents(self, meeting: Meeting) -> list[dict[str, Any]]:
        # Prefetched (open ones only) by the meeting lists; filtered here for a copy that
        # was not, such as the answer to a transition.
        waiting = [r for r in meeting.document_requests.all() if r.done_at is None]
        return PendingDocumentSerializer(waiting, many=True).data  # type: ignore[return-value]


class ArrangedEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    session = serializers.ChoiceField(choices=AgendaEntry.Session.choices)


class ArrangeAgendaSerializer(serializers.Serializer):  # type: ignore[type-arg]
    entries = ArrangedEntrySerializer(many=True, max_length=500)


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    replacing = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a substitute present: the absent member of the same municipality "
        "they replace.",
    )
    arrived_before_entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Agenda position of the first entry the person was there for (arrived late).",
    )
    left_before_entry = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Agenda position of the first entry the person was no longer there for "
        "(left early).",
    )

    class Meta:
        model = Attendance
        fields = [
            "id",
            "person",
            "status",
            "municipality",
            "replacing",
            "arrived_before_entry",
            "left_before_entry",
            "recorded_at",
        ]
        read_only_fields = ["municipality", "recorded_at"]


class VoteSerializer(serializers.ModelSerializer[Vote]):
    class Meta:
        model = Vote
        fields = ["municipality", "vote"]


# How many voted for, against and abstained; "for" is a Python keyword, so the class is
# made with its fields by name.
TallySerializer = type(
    "TallySerializer",
    (serializers.Serializer,),
    {name: serializers.IntegerField(min_value=0) for name in COUNTS},
)


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    votes = serializers.SerializerMethodField()
    tally = TallySerializer(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "item",
            "meeting",
            "body",
            "number",
            "outcome",
            "text",
            "consensus",
            "secret",
            "tally",
            "votes",
            "municipalities",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(VoteSerializer(many=True))
    def get_votes(self, decision: Decision) -> list[dict[str, Any]]:
        """The vote of each municipality; none for a secret vote, which has only counts."""
        if decision.secret:
            return []
        return list(VoteSerializer(decision.votes.all(), many=True).data)


class ActionSerializer(StatefulSerializer):
    title = TextField(max_length=250)
    description = TextField(allow_blank=True, required=False, max_length=MAX_TEXT)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "item",
            "title",
            "description",
            "assignee",
            "service",
            "due_date",
            "municipalities",
            "state",
            "version",
            "available_transitions",
            "blocked_reason",
            "overdue",
            "created_at",
        ]
        read_only_fields = ["blocked_reason", "created_at"]


class RatificationSerializer(StatefulSerializer):
    version = serializers.IntegerField(read_only=True)
    deciding_body = serializers.ChoiceField(
        choices=DecidingBody.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Ratification
        fields = [
            "id",
            "decision",
            "municipality",
            "state",
            "version",
            "available_transitions",
            "date",
            "deciding_body",
            "reference",
            "reason",
        ]
        read_only_fields = [
            "decision",
            "municipality",
            "date",
            "deciding_body",
            "reference",
            "reason",
        ]


class HistorySerializer(serializers.ModelSerializer[TransitionLog]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TransitionLog
        fields = [
            "id",
            "kind",
            "transition",
            "source",
            "target",
            "actor",
            "at",
            "comment",
            "params",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "username": {"type": "string"}},
        }
    )
    def get_actor(self, log: TransitionLog) -> dict[str, Any] | None:
        if log.actor is None:
            return None
        return {"id": log.actor.pk, "username": log.actor.username}


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = TextField(max_length=150)
    password = TextField(max_length=4096, trim_whitespace=False)
    code = TextField(
        max_length=32,
        required=False,
        help_text="The code of the authenticator app, or a recovery code: needed by those "
        "who sign in in two steps (the coordinator and administrators).",
    )
    name = TextField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A name for the token, to tell it apart on the API keys page.",
    )


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()
    expiry = serializers.DateTimeField(
        help_text="When the token ends unless it is used; each request moves this on, up "
        "to a fixed limit after the token was made."
    )


class MeMembershipSerializer(serializers.ModelSerializer[Membership]):
    body = BodyRefSerializer()
    municipality = MunicipalityRefSerializer(allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "body", "municipality", "role", "start_date", "end_date"]


class MeSerializer(serializers.ModelSerializer[Person]):
    full_name = serializers.SerializerMethodField()
    municipality = MunicipalityRefSerializer(allow_null=True)
    region = RegionSerializer(allow_null=True)
    memberships = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "function",
            "organisation",
            "municipality",
            "region",
            "service",
            "memberships",
            "roles",
        ]

    def get_full_name(self, person: Person) -> str:
        return person.get_full_name() or person.username

    def _memberships(self, person: Person) -> list[Membership]:
        """The person's memberships today, read once for both fields."""
        if not hasattr(self, "_active_memberships"):
            self._active_memberships = list(
                Membership.objects.active()
                .filter(person=person)
                .select_related("body", "municipality")
            )
        return self._active_memberships

    @extend_schema_field(MeMembershipSerializer(many=True))
    def get_memberships(self, person: Person) -> list[dict[str, Any]]:
        data = MeMembershipSerializer(self._memberships(person), many=True).data
        return data  # type: ignore[return-value]

    def get_roles(self, person: Person) -> list[str]:
        """Derived roles: coordinator, administrator, dvv_staff, general_director, and
        `<role>:<body code>` for every membership (e.g. chair:CL-RUIMTE)."""
        roles = set()
        if person.is_coordinator:
            roles.add("coordinator")
        if person.is_superuser:
            roles.add("administrator")
        if person.service_id:
            roles.add("dvv_staff")
        if person.function == Person.Function.GENERAL_DIRECTOR:
            roles.add("general_director")
        for membership in self._memberships(person):
            roles.add(f"{membership.role}:{membership.body.code}")
        return sorted(roles)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    text = serializers.SerializerMethodField()
    subject_type = serializers.CharField(source="content_type.model", read_only=True)
    subject_id = serializers.CharField(source="object_id", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "text",
            "due_at",
            "sent_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_text(self, notification: Notification) -> str:
        return describe(notification)


class CalendarFeedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.URLField()


class UnreadCountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unread = serializers.IntegerField()


class ReadRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read; all of yours when left out.",
    )


class ActionNoteSerializer(serializers.ModelSerializer[ActionNote]):
    text = TextField(max_length=MAX_TEXT)
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = ActionNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["created_at"]


class MatrixRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    decision = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    body = serializers.IntegerField()
    decided_at = serializers.DateTimeField()
    cells = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text="Per municipality id: the ratification's state, or null when not concerned.",
    )


class MatrixSerializer(serializers.Serializer):  # type: ignore[type-arg]
    municipalities = MunicipalityRefSerializer(many=True)
    rows = MatrixRowSerializer(many=True)


class ConflictSerializer(serializers.ModelSerializer[Conflict]):
    """A conflict of interest on an agenda entry (art. 27 DLB): the person takes no part in
    its deliberation and vote. The reason may be empty."""

    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.get_full_name", read_only=True)
    reason = TextField(allow_blank=True, required=False, default="", max_length=1000)

    class Meta:
        model = Conflict
        fields = ["id", "entry", "person", "person_name", "reason", "recorded_by", "recorded_at"]
        read_only_fields = ["entry", "recorded_by", "recorded_at"]
