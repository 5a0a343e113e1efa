"""The generated Word documents under /api/v1/documents/, with the bytes at
`…/{id}/download/`. Visibility comes from the selector: a document of a meeting the caller
cannot see, or a full version with an item the caller may not see, is 404. A POST stores the
next version of a meeting's document (e.g. the minutes after the notes were completed)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.filters import IdFilter
from backend.api.negotiation import IgnoreClientAccept
from backend.documents.models import GeneratedDocument
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.selectors import documents_visible_to
from backend.documents.services import document_generate
from backend.files.errors import StoreUnavailable
from backend.http.downloads import stored_file_response
from backend.meetings.selectors import meetings_visible_to


class DocumentFilter(django_filters.FilterSet):
    meeting = IdFilter()

    class Meta:
        model = GeneratedDocument
        fields = ["kind", "public"]


class DocumentSerializer(serializers.ModelSerializer[GeneratedDocument]):
    file_name = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "kind",
            "meeting",
            "version",
            "public",
            "sha256",
            "template_sha256",
            "file_name",
            "size",
            "created_at",
        ]
        read_only_fields = fields

    def get_file_name(self, document: GeneratedDocument) -> str:
        """The Dutch name the download is saved under."""
        return document.download_name()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_size(self, document: GeneratedDocument) -> int | None:
        """The size of the file in bytes (null when the file is missing, or when the file
        store does not answer: a list is still shown, asking the store once)."""
        if self.context.get("store_unavailable"):
            return None
        try:
            return int(document.file.size)
        except OSError:
            return None
        except StoreUnavailable:
            self.context["store_unavailable"] = True
            return None


class GenerateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Which document of which meeting to generate anew."""

    meeting = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=GeneratedDocument.Kind.choices)


class DocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    ordering_fields = ["created_at", "version", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[GeneratedDocument]:
        return documents_visible_to(self.request.user).select_related("meeting__body")

    @extend_schema(
        request=GenerateSerializer,
        responses={201: DocumentSerializer},
        summary="Generate the next version of a meeting's document",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        wanted = GenerateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        meeting = (
            meetings_visible_to(request.user).filter(pk=wanted.validated_data["meeting"]).first()
        )
        if meeting is None:
            raise NotFound()
        document = document_generate(
            meeting=meeting, kind=wanted.validated_data["kind"], actor=request.user
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY},
        summary="Download the Word file",
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        content_negotiation_class=IgnoreClientAccept,
    )
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        document = self.get_object()
        try:
            return stored_file_response(
                document.file, filename=document.download_name(), content_type=DOCX_CONTENT_TYPE
            )
        except OSError:
            raise NotFound(_("The file of this document is no longer available.")) from None
