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
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.filters import IdFilter
from backend.api.negotiation import file_action
from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.pdf import PDF_CONTENT_TYPE
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.selectors import (
    documents_visible_to,
    minutes_approved_at,
    version_label,
    with_minutes_approval,
)
from backend.documents.services import document_generate
from backend.documents.signing import current_pdf
from backend.files.errors import StoreUnavailable
from backend.http.downloads import document_pdf_response, stored_file_response
from backend.meetings.selectors import meetings_visible_to


class DocumentFilter(django_filters.FilterSet):
    meeting = IdFilter()

    class Meta:
        model = GeneratedDocument
        fields = ["kind", "public"]


class SignatureSerializer(serializers.ModelSerializer[DocumentSignature]):
    signer = serializers.SerializerMethodField()

    class Meta:
        model = DocumentSignature
        fields = ["position", "signer", "capacity", "signed_at", "sha256"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_signer(self, signature: DocumentSignature) -> dict[str, Any]:
        person = signature.signer
        return {"id": person.pk, "username": person.username, "full_name": person.get_full_name()}


class DocumentSerializer(serializers.ModelSerializer[GeneratedDocument]):
    file_name = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    pdf_sha256 = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    minutes_approved_at = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

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
            "pdf_sha256",
            "signatures",
            "minutes_approved_at",
            "label",
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

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_sha256(self, document: GeneratedDocument) -> str | None:
        """The SHA-256 of the PDF/A as it stands (after its last signature); null before
        the worker made it, or without LibreOffice."""
        signatures = sorted(document.signatures.all(), key=lambda s: s.position)
        if signatures:
            return signatures[-1].sha256
        pdf = getattr(document, "pdf", None)
        return pdf.sha256 if pdf is not None else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_minutes_approved_at(self, document: GeneratedDocument) -> str | None:
        """When the minutes of this version were approved: set on the approved minutes
        only; null for a draft of the minutes and for the other kinds."""
        approved = minutes_approved_at(document)
        return serializers.DateTimeField().to_representation(approved) if approved else None

    def get_label(self, document: GeneratedDocument) -> str:
        """What a version of the minutes is, in words ("ontwerp", "goedgekeurd op 7 april
        2026"); empty for the other kinds."""
        return version_label(document)

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, document: GeneratedDocument) -> list[dict[str, Any]]:
        """Who signed the PDF, in order (the meeting page also says whether each holds)."""
        signatures = sorted(document.signatures.all(), key=lambda s: s.position)
        return list(SignatureSerializer(signatures, many=True).data)


class GenerateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Which document of which meeting to generate anew."""

    meeting = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=GeneratedDocument.Kind.choices)
    correction = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Why a signed document gets a new version (only for a signed one).",
    )


class DocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    ordering_fields = ["created_at", "version", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[GeneratedDocument]:
        return (
            with_minutes_approval(documents_visible_to(self.request.user))
            .select_related("meeting__body", "pdf")
            .prefetch_related("signatures__signer")
        )

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
            meeting=meeting,
            kind=wanted.validated_data["kind"],
            actor=request.user,
            correction=wanted.validated_data.get("correction", ""),
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @file_action(content_type=DOCX_CONTENT_TYPE, summary="Download the Word file")
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        document = self.get_object()
        try:
            return stored_file_response(
                document.file, filename=document.download_name(), content_type=DOCX_CONTENT_TYPE
            )
        except OSError:
            raise NotFound(_("The file of this document is no longer available.")) from None

    @file_action(
        content_type=PDF_CONTENT_TYPE,
        summary="Download the PDF/A, with the signatures it has so far",
    )
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        document = self.get_object()
        current = current_pdf(document)
        if current is None:
            raise NotFound(_("This document has no PDF (yet)."))
        try:
            return document_pdf_response(document, current)
        except OSError:
            raise NotFound(_("The file of this document is no longer available.")) from None
