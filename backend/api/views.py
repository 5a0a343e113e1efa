"""The API under /api/v1/: thin views that parse, call the services or the workflow
entry point, and answer. Visibility comes from the selectors, so an object a person
may not see is 404 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.agenda.models import AgendaItem, Attachment
from backend.agenda.selectors import decisions_visible_to, entries_visible_to, items_visible_to
from backend.agenda.services import (
    attachment_add,
    attachment_allowed,
    attachment_remove,
    item_create,
    item_update,
    too_large_reason,
)
from backend.api import filters
from backend.api import serializers as s
from backend.api.authentication import ExpiringTokenAuthentication
from backend.api.negotiation import View, file_action
from backend.api.schema import ErrorSerializer
from backend.audit import second_factor, tokens
from backend.audit.events import record
from backend.audit.models import ApiToken, AuditEvent, TransitionLog
from backend.audit.services import second_step_refused, sign_in
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.requests import open_requests
from backend.followup.selectors import (
    actions_visible_to,
    ratification_matrix,
    ratifications_visible_to,
)
from backend.followup.services import action_create, action_note_add, action_update
from backend.http.downloads import attachment_response, excerpt_response, excerpts_zip_response
from backend.http.uploads import too_large
from backend.meetings.calendar import meeting_ics
from backend.meetings.models import AgendaEntry
from backend.meetings.selectors import conflicts_of, meetings_visible_to
from backend.meetings.services import (
    agenda_arrange,
    attendance_record,
    calendar_feed_for,
    conflict_record,
    conflict_remove,
    entry_note_write,
    meeting_plan,
    meeting_update,
)
from backend.organisations.models import Person
from backend.organisations.selectors import in_region
from backend.reminders.models import Notification
from backend.reminders.services import mark_read
from workflows.engine import can_view, fire, machine_of
from workflows.errors import GuardFailed


class RegionScopedRelationsMixin:
    """Let related ids resolve only within the caller's region."""

    REGION_PATHS = {
        "Body": "region",
        "Municipality": "region",
        "Person": "region",
        "Service": "region",
        "Meeting": "body__region",
        "AgendaItem": "intervision_group__region",
    }

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)  # type: ignore[misc]
        user = self.request.user  # type: ignore[attr-defined]
        for field in getattr(serializer, "fields", {}).values():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if queryset is None:
                continue
            path = self.REGION_PATHS.get(queryset.model.__name__)
            if path:
                relation.queryset = in_region(queryset, user, path)
        return serializer


class StatefulViewSetMixin:
    """`POST …/{id}/transitions/<name>/` and `GET …/{id}/history/` for a stateful object.

    A viewset says which objects the caller may see (`visible`, in SQL), the relations
    its permission rules read (`rules_read`) and what its serializer reads besides the row
    (`shown_with`: select_related, then prefetch_related). A transition loads the object by
    its key with what the rules read and asks the same visibility rule of that one object
    (`workflows.engine.can_view`, which a test holds equal to `visible`); it fires, then
    reads the object again, as it stands after the transition, to answer.
    """

    rules_read: tuple[str, ...] = ()
    shown_with: tuple[tuple[str, ...], tuple[str | Prefetch[Any], ...]] = ((), ())
    answer_from_loaded = False
    """Whether a transition without an effect answers with the object it loaded, what
    `shown_with` names read along (only its state and version changed, in memory as in
    the row), instead of reading it again. Only for a viewset whose `shown` is
    `shown_with` and nothing else, such as a visibility filter on the relations."""

    def visible(self) -> QuerySet[Any]:
        """The objects the caller may see; every viewset with a state machine says which."""
        raise NotImplementedError

    def shown(self, objects: QuerySet[Any]) -> QuerySet[Any]:
        related, prefetched = self.shown_with
        return objects.select_related(*self.rules_read, *related).prefetch_related(*prefetched)

    def get_queryset(self) -> QuerySet[Any]:
        return self.shown(self.visible())

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        # A list and a detail read their rows through `visible`: the representation need
        # not ask the visibility rule of each row again.
        context["read_as_visible"] = self.action in ("list", "retrieve")  # type: ignore[attr-defined]
        return context

    def acted_on(self) -> Any:
        """The object in the URL, to fire a transition on: 404 unless the caller sees it."""
        model = self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
        lookup = self.lookup_url_kwarg or self.lookup_field  # type: ignore[attr-defined]
        related = self.shown_with[0] if self.answer_from_loaded else ()
        obj = get_object_or_404(
            model._default_manager.select_related(*self.rules_read, *related),
            pk=self.kwargs[lookup],  # type: ignore[attr-defined]
        )
        if not can_view(obj, self.request.user):  # type: ignore[attr-defined]
            raise NotFound()
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj

    @extend_schema(request=None, summary="Fire a transition")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[A-Za-z0-9_]+)",
        filter_backends=[],
    )
    def transitions(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        obj = self.acted_on()
        if not isinstance(request.data, dict):
            raise ValidationError(
                {"non_field_errors": [_("Send the parameters as a JSON object.")]}
            )
        params = dict(request.data)
        comment = params.pop("comment", "")
        if comment is None:
            comment = ""
        fire(obj, name, actor=request.user, comment=comment, params=params)
        if self.answer_from_loaded and machine_of(obj).steps[name].effect is None:
            fresh = obj
            prefetch_related_objects([fresh], *self.shown_with[1])
        else:
            fresh = self.shown(type(obj)._default_manager.filter(pk=obj.pk)).get()
        answer = self.get_serializer_class()(  # type: ignore[attr-defined]
            fresh,
            context=self.get_serializer_context(),  # type: ignore[attr-defined]
        )
        return Response(answer.data)

    @extend_schema(responses=s.HistorySerializer(many=True), summary="The history, oldest first")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        logs = TransitionLog.objects.for_object(obj).select_related("actor")
        return Response(s.HistorySerializer(logs, many=True).data)


def version_of(data: dict[str, Any]) -> int | None:
    return data.pop("version", None)


# A stateful object's viewset whose POST and PATCH/PUT go through its services: `creates`
# (`actor` and the fields) and `updates` (the object, `actor`, the `expected_version` the
# client read, the changed fields); `stays_with`, where set, names the field the object may
# not be moved away from and the reason given to a client that tries. A comment, not a
# docstring: the API description would show it on every endpoint.
class ServiceWrittenViewSet(
    RegionScopedRelationsMixin,
    StatefulViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]
):
    creates: Callable[..., Any]
    updates: Callable[..., Any]
    stays_with: tuple[str, str | Promise] | None = None

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = self.creates(actor=self.request.user, **data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        expected = version_of(data)
        if self.stays_with is not None:
            name, reason = self.stays_with
            if name in data and data.pop(name) != getattr(serializer.instance, name):
                raise ValidationError({name: [reason]})
        self.updates(
            serializer.instance, actor=self.request.user, expected_version=expected, **data
        )


def rows_action(
    serializer: type[serializers.BaseSerializer[Any]],
    *,
    listed: str,
    added: str,
    upload: Any = None,
    created: bool = True,
    url_path: str | None = None,
    url_name: str | None = None,
    parser_classes: list[Any] | None = None,
) -> Callable[[View], View]:
    """Declare a detail action on an object's rows, unpaginated and unfiltered: a GET lists
    them (`listed`), a POST adds one (`added`; its body `upload` where that is not the
    serializer) and answers 201 with it, or 200 where the row is not `created` but
    recorded over."""

    def declare(view: View) -> View:
        parsers = {"parser_classes": parser_classes} if parser_classes else {}
        view = action(
            detail=True,
            methods=["get", "post"],
            url_path=url_path,
            url_name=url_name,
            pagination_class=None,
            filter_backends=[],
            serializer_class=serializer,
            **parsers,
        )(view)
        view = extend_schema(
            methods=["POST"],
            request=upload or serializer,
            responses={201: serializer} if created else serializer,
            summary=added,
        )(view)
        return extend_schema(methods=["GET"], responses=serializer(many=True), summary=listed)(view)

    return declare


# --- Organisation (read only) -----------------------------------------------------------


# Rows of the caller's region, read only: the rows of the serializer's model, with
# `region_path` leading from a row to its region and what the serializer reads besides the
# row (`related`: select_related; `prefetched`: prefetch_related). A comment, not a
# docstring: the API description would show it on every endpoint.
class RegionRowsViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    region_path = "region"
    related: tuple[str, ...] = ()
    prefetched: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet[Any]:
        model = self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
        rows = model._default_manager.all()
        if self.related:
            rows = rows.select_related(*self.related)
        if self.prefetched:
            rows = rows.prefetch_related(*self.prefetched)
        return in_region(rows, self.request.user, self.region_path)


class RegionViewSet(RegionRowsViewSet):
    serializer_class = s.RegionSerializer
    region_path = "pk"
    ordering_fields = ["name", "id"]
    ordering = ["name"]


class MunicipalityViewSet(RegionRowsViewSet):
    serializer_class = s.MunicipalitySerializer
    filterset_class = filters.MunicipalityFilter
    search_fields = ["name"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]


class BodyViewSet(RegionRowsViewSet):
    serializer_class = s.BodySerializer
    filterset_class = filters.BodyFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "id"]
    ordering = ["kind", "name"]


class MembershipViewSet(RegionRowsViewSet):
    serializer_class = s.MembershipSerializer
    region_path = "body__region"
    related = ("body", "person", "municipality", "substitutes_for")
    filterset_class = filters.MembershipFilter
    ordering_fields = ["id", "start_date"]
    ordering = ["body__name", "role", "person__last_name", "id"]


class ServiceViewSet(RegionRowsViewSet):
    serializer_class = s.ServiceSerializer
    prefetched = ("municipalities",)
    ordering_fields = ["name", "id"]
    ordering = ["name"]


class CoalitionViewSet(RegionRowsViewSet):
    serializer_class = s.CoalitionSerializer
    prefetched = ("municipalities",)
    ordering = ["name"]


# --- What moves ----------------------------------------------------------------------------


ITEM_FIELDS = [field.name for field in AgendaItem._meta.concrete_fields]


class AgendaItemViewSet(ServiceWrittenViewSet):
    serializer_class = s.AgendaItemSerializer
    filterset_class = filters.AgendaItemFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "updated_at", "title", "id"]
    ordering = ["-created_at", "-id"]

    shown_with = (
        ("author", "decision"),
        (
            "municipalities",
            Prefetch("entries", AgendaEntry.objects.select_related("meeting__body")),
        ),
    )
    rules_read = ("intervision_group",)
    creates = staticmethod(item_create)
    updates = staticmethod(item_update)
    answer_from_loaded = True

    def visible(self) -> QuerySet[Any]:
        return items_visible_to(self.request.user)

    def shown(self, objects: QuerySet[Any]) -> QuerySet[Any]:
        # Of the rows joined, only what the representation and the rules read: not the
        # author's password hash, the decision's text or the group's settings.
        return (
            super()
            .shown(objects)
            .only(
                *ITEM_FIELDS,
                "author__username",
                "author__first_name",
                "author__last_name",
                "decision__id",
                "intervision_group__region",
            )
        )

    @rows_action(
        s.AttachmentSerializer,
        listed="The attachments",
        added="Attach a PDF, Word, Excel or image file (type read from the content)",
        upload={"multipart/form-data": s.AttachmentUploadSerializer},
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        if request.method == "GET":
            rows = item.attachments.select_related("uploaded_by")
            return Response(s.AttachmentSerializer(rows, many=True).data)
        attachment_allowed(request.user, item)
        data = request.data  # parsed here: the upload handler may refuse the file
        if too_large(request):
            raise GuardFailed([too_large_reason()])
        upload = s.AttachmentUploadSerializer(data=data)
        upload.is_valid(raise_exception=True)
        attachment = attachment_add(
            item=item, actor=request.user, upload=upload.validated_data["file"]
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def attachment_of(self, attachment_id: str) -> Attachment:
        """The attachment of the item in the URL (404 when either is not visible)."""
        item = self.get_object()
        attachment = item.attachments.filter(pk=int(attachment_id)).first()
        if attachment is None:
            raise NotFound()
        return attachment

    @extend_schema(
        responses={204: None}, summary="Remove an attachment (while the item is editable)"
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})",
        pagination_class=None,
        filter_backends=[],
    )
    def attachment(
        self, request: Request, pk: str | None = None, attachment_id: str = ""
    ) -> Response:
        attachment_remove(self.attachment_of(attachment_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @file_action(
        content_type="application/octet-stream",
        summary="Download an attachment",
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})/download",
    )
    def attachment_download(
        self, request: Request, pk: str | None = None, attachment_id: str = ""
    ) -> FileResponse:
        return attachment_response(self.attachment_of(attachment_id))


class MeetingViewSet(ServiceWrittenViewSet):
    serializer_class = s.MeetingSerializer
    filterset_class = filters.MeetingFilter
    ordering_fields = ["starts_at", "id"]
    ordering = ["-starts_at", "-id"]

    rules_read = ("body",)
    creates = staticmethod(meeting_plan)
    updates = staticmethod(meeting_update)
    stays_with = ("body", gettext_lazy("A meeting stays with its body."))

    def visible(self) -> QuerySet[Any]:
        return meetings_visible_to(self.request.user)

    def shown(self, objects: QuerySet[Any]) -> QuerySet[Any]:
        """The meetings with the entries the caller may see (as `…/entries/` lists them):
        a confidential entry is not even counted for someone who may not see its item."""
        entries = AgendaEntry.objects.filter(item__in=items_visible_to(self.request.user))
        return objects.select_related(*self.rules_read).prefetch_related(
            Prefetch("entries", entries.order_by("position")),
            Prefetch("document_requests", open_requests()),
        )

    @extend_schema(
        request=s.ArrangeAgendaSerializer,
        responses=s.MeetingSerializer,
        summary="Order the agenda and choose each entry's session (while planned)",
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def agenda(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        serializer = s.ArrangeAgendaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agenda_arrange(
            meeting=meeting, actor=request.user, entries=serializer.validated_data["entries"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(
        responses=s.EntryNoteSerializer(many=True),
        summary="The agenda entries the caller may see, with their discussion notes",
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        serializer_class=s.EntryNoteSerializer,
    )
    def entries(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        return Response(
            s.EntryNoteSerializer(entries_visible_to(request.user, meeting), many=True).data
        )

    @extend_schema(
        methods=["GET"], responses=s.EntryNoteSerializer, summary="One agenda entry and its note"
    )
    @extend_schema(
        methods=["PATCH"],
        request=s.EntryNoteSerializer,
        responses=s.EntryNoteSerializer,
        summary="Write an entry's discussion note (in session, or closed before approval)",
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"entries/(?P<entry_id>[0-9]{1,18})",
        pagination_class=None,
        filter_backends=[],
        serializer_class=s.EntryNoteSerializer,
    )
    def entry(self, request: Request, pk: str | None = None, entry_id: str = "") -> Response:
        meeting = self.get_object()
        entry = entries_visible_to(request.user, meeting).filter(pk=int(entry_id)).first()
        if entry is None:
            raise NotFound()
        if request.method == "GET":
            return Response(s.EntryNoteSerializer(entry).data)
        serializer = s.EntryNoteSerializer(entry, data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = entry_note_write(
            entry=entry, actor=request.user, note=serializer.validated_data["note"]
        )
        return Response(s.EntryNoteSerializer(entry).data)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.BINARY}, summary="The meeting as .ics"
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ics(self, request: Request, pk: str | None = None) -> HttpResponse:
        meeting = self.get_object()
        response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
        day = timezone.localtime(meeting.starts_at).date().isoformat()
        name = f"vergadering-{meeting.body.code}-{day}.ics"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @rows_action(
        s.AttendanceSerializer,
        listed="The attendance",
        added="Record one person's attendance",
        created=False,
    )
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        if request.method == "GET":
            rows = meeting.attendances.order_by("person__last_name", "id")
            return Response(s.AttendanceSerializer(rows, many=True).data)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = attendance_record(
            meeting=meeting,
            person=data["person"],
            status=data["status"],
            replacing=data.get("replacing"),
            arrived_before_entry=data.get("arrived_before_entry"),
            left_before_entry=data.get("left_before_entry"),
            actor=request.user,
        )
        return Response(s.AttendanceSerializer(row).data)

    def entry_of(self, request: Request, entry_id: str) -> AgendaEntry:
        """The meeting's entry the caller may see (404 for another meeting's entry)."""
        meeting = self.get_object()
        entry = entries_visible_to(request.user, meeting).filter(pk=int(entry_id)).first()
        if entry is None:
            raise NotFound()
        entry.meeting = meeting
        return entry

    @rows_action(
        s.ConflictSerializer,
        listed="The conflicts of interest recorded on an entry",
        added="Record a conflict of interest on an entry (art. 27 DLB; convened or in session)",
        url_path=r"entries/(?P<entry_id>[0-9]{1,18})/conflicts",
        url_name="entry-conflicts",
    )
    def conflicts(self, request: Request, pk: str | None = None, entry_id: str = "") -> Response:
        entry = self.entry_of(request, entry_id)
        if request.method == "GET":
            return Response(s.ConflictSerializer(conflicts_of(entry), many=True).data)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conflict = conflict_record(
            entry=entry,
            person=serializer.validated_data["person"],
            reason=serializer.validated_data.get("reason", ""),
            actor=request.user,
        )
        return Response(s.ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Remove a conflict of interest recorded by mistake (in session)",
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"entries/(?P<entry_id>[0-9]{1,18})/conflicts/(?P<person_id>[0-9]{1,18})",
        url_name="entry-conflict",
        pagination_class=None,
        filter_backends=[],
    )
    def conflict(
        self, request: Request, pk: str | None = None, entry_id: str = "", person_id: str = ""
    ) -> Response:
        entry = self.entry_of(request, entry_id)
        person = get_object_or_404(
            in_region(Person.objects.all(), request.user, "region"), pk=int(person_id)
        )
        conflict_remove(entry=entry, person=person, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = s.DecisionSerializer
    filterset_class = filters.DecisionFilter
    search_fields = ["number", "item__title"]
    ordering_fields = ["decided_at", "number", "id"]
    ordering = ["-decided_at", "-id"]

    def get_queryset(self) -> QuerySet[Any]:
        return decisions_visible_to(self.request.user).prefetch_related("votes", "municipalities")

    @file_action(
        content_type="application/zip",
        summary="The excerpts of every municipality concerned, as one zip",
        operation_id="v1_decisions_excerpts_zip",
    )
    def excerpts(self, request: Request, pk: str | None = None) -> HttpResponse:
        return excerpts_zip_response(self.get_object())

    @file_action(
        content_type=DOCX_CONTENT_TYPE,
        summary="The excerpt of the decision for one municipality concerned",
        operation_id="v1_decisions_excerpt_retrieve",
        url_path=r"excerpts/(?P<municipality_id>[0-9]{1,18})",
    )
    def excerpt(
        self, request: Request, pk: str | None = None, municipality_id: str = ""
    ) -> HttpResponse:
        decision = self.get_object()
        municipality = decision.municipalities.filter(pk=int(municipality_id)).first()
        if municipality is None:
            raise NotFound()
        return excerpt_response(decision, municipality)


class ActionViewSet(ServiceWrittenViewSet):
    serializer_class = s.ActionSerializer
    filterset_class = filters.ActionFilter
    search_fields = ["title", "item__title"]
    ordering_fields = ["due_date", "created_at", "id"]
    ordering = ["due_date", "id"]

    shown_with = ((), ("item__entries__meeting", "municipalities"))
    rules_read = ("item__intervision_group",)
    creates = staticmethod(action_create)
    updates = staticmethod(action_update)
    stays_with = ("item", gettext_lazy("An action stays with its item."))

    def visible(self) -> QuerySet[Any]:
        return actions_visible_to(self.request.user)

    @rows_action(s.ActionNoteSerializer, listed="Progress notes", added="Add a progress note")
    def notes(self, request: Request, pk: str | None = None) -> Response:
        obj = self.get_object()
        if request.method == "GET":
            notes = obj.notes.select_related("author")
            return Response(s.ActionNoteSerializer(notes, many=True).data)
        serializer = s.ActionNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = action_note_add(obj, actor=request.user, text=serializer.validated_data["text"])
        return Response(s.ActionNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class RatificationViewSet(StatefulViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = s.RatificationSerializer
    filterset_class = filters.RatificationFilter
    ordering_fields = ["id", "decision", "municipality"]
    ordering = ["-decision__decided_at", "municipality__name", "id"]

    shown_with = (("municipality",), ("decision__item__entries__meeting",))
    rules_read = ("decision__item__intervision_group",)

    def visible(self) -> QuerySet[Any]:
        return ratifications_visible_to(self.request.user)

    @extend_schema(
        parameters=[filters.MatrixFilter],
        responses=s.MatrixSerializer,
        summary="Decisions × municipalities, each cell the ratification's state",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def matrix(self, request: Request) -> Response:
        params = filters.MatrixFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        matrix = ratification_matrix(request.user, **params.validated_data)
        return Response(
            s.MatrixSerializer({"municipalities": matrix.municipalities, "rows": matrix.rows}).data
        )


# --- Notifications ----------------------------------------------------------------------


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The caller's own reminders, newest first."""

    serializer_class = s.NotificationSerializer
    filterset_class = filters.NotificationFilter
    ordering_fields = ["due_at", "id"]
    ordering = ["-due_at", "-id"]

    def get_queryset(self) -> QuerySet[Any]:
        if not self.request.user.is_authenticated:
            return Notification.objects.none()
        return Notification.objects.filter(
            recipient=self.request.user.pk, due_at__lte=timezone.now()
        ).select_related("content_type", "recipient")

    @extend_schema(responses=s.UnreadCountSerializer, summary="How many are unread")
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[])
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})

    @extend_schema(
        request=s.ReadRequestSerializer,
        responses=s.UnreadCountSerializer,
        summary="Mark notifications read (all of them when no ids are given)",
    )
    @action(detail=False, methods=["post"], filter_backends=[])
    def read(self, request: Request) -> Response:
        serializer = s.ReadRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mark_read(request.user, serializer.validated_data.get("ids"))
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


# --- The caller -------------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer, summary="Who am I: memberships and roles")
    def get(self, request: Request) -> Response:
        # Person, not type(request.user): with a session sign-in the user is a lazy object.
        person = Person.objects.select_related("municipality", "region").get(pk=request.user.pk)
        return Response(s.MeSerializer(person).data)


class CalendarFeedView(APIView):
    """The caller's secret calendar address; POST makes a new one (the old one stops)."""

    def answer(self, request: Request, renew: bool) -> Response:
        feed = calendar_feed_for(request.user, renew=renew)
        url = request.build_absolute_uri(reverse("calendar-feed", args=[feed.token]))
        return Response({"url": url})

    @extend_schema(responses=s.CalendarFeedSerializer, summary="My calendar address")
    def get(self, request: Request) -> Response:
        return self.answer(request, renew=False)

    @extend_schema(
        request=None, responses=s.CalendarFeedSerializer, summary="Revoke: a new calendar address"
    )
    def post(self, request: Request) -> Response:
        return self.answer(request, renew=True)


class TokenView(APIView):
    """Exchange a username and password for a new API token; revoke the token in use."""

    def revoking(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"

    def get_authenticators(self) -> list[Any]:
        # Asking for a token ignores any token sent along; revoking needs the token.
        return [ExpiringTokenAuthentication()] if self.revoking() else []

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated()] if self.revoking() else [AllowAny()]

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="Wrong username or password, or a wrong code."
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="Two-step sign-in is needed but not set up."
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed sign-ins."),
        },
        auth=[],
        summary="Get a token",
        description="Every sign-in makes a new token. A token ends after "
        "API_TOKEN_IDLE_SECONDS without a request (30 minutes unless configured) and "
        "API_TOKEN_TTL_SECONDS after it was made (12 hours), whatever happens.",
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = sign_in(
            request._request,
            serializer.validated_data["username"],
            serializer.validated_data["password"],
        )
        if person is None:
            raise ValidationError({"non_field_errors": [_("The username or password is wrong.")]})
        if second_factor.asked_of(person):
            self.second_step(request, person, serializer.validated_data.get("code", ""))
        record(AuditEvent.Kind.SIGN_IN, request._request, person=person)
        token, secret = tokens.token_create(
            person, name=serializer.validated_data.get("name", ""), request=request._request
        )
        body = s.TokenSerializer({"token": secret, "expiry": token.expiry}).data
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the token in use",
        description="The token sent with this request stops working at once.",
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise NotAuthenticated
        tokens.token_revoke(request.user, request.auth.pk, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def second_step(request: Request, person: Any, code: str) -> None:
        """Refuse the token without a right code from those who sign in in two steps."""
        if second_factor.authenticator_of(person) is None:
            raise PermissionDenied(
                _("Set up two-step sign-in on the website first; then ask for a token.")
            )
        if not code:
            message = _("Your account signs in in two steps: send the code.")
            raise ValidationError({"code": [message]})
        if not second_factor.code_accepted(person, code):
            second_step_refused(request._request, person.username)
            raise ValidationError({"code": [_("This code is not right.")]})


class TokensView(APIView):
    """Revoke every token of the caller."""

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke all my tokens",
        description="Every token of the caller stops working at once, the one in use too.",
    )
    def delete(self, request: Request) -> Response:
        tokens.tokens_revoke_all(request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
