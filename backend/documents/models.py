"""The Word documents generated for a meeting, each version kept with its checksums."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.agenda.models import AgendaItem
from backend.audit.models import TransitionLog
from backend.meetings.models import Meeting

FILE_STEMS = {
    "agenda": "agenda",
    "minutes": "notulen",
    "decision_list": "besluitenlijst",
    "followup_report": "opvolgingsrapport",
    "excerpt": "uittreksel",
}
"""The Dutch name of each kind: its template (docs_templates/<stem>.docx) and file names."""


def stored_name(document: GeneratedDocument, filename: str) -> str:
    """Return where a document's file is stored: ids and a random token, nothing a person
    typed, so the name is safe and cannot be guessed."""
    edition = "openbaar" if document.public else "volledig"
    return (
        f"documents/{document.meeting_id}/"
        f"{document.kind}-v{document.version}-{edition}-{secrets.token_hex(8)}.docx"
    )


class GeneratedDocument(models.Model):
    """One version of a generated Word document of a meeting; never changed afterwards.

    A version comes as a public document, which leaves out the confidential (closed-session)
    entries, and, when there are such entries, a full document with the same version
    number, which only people who may see each of those items can download.
    """

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("agenda")
        MINUTES = "minutes", _("minutes")
        DECISION_LIST = "decision_list", _("decision list")
        FOLLOWUP_REPORT = "followup_report", _("follow-up report")

    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="documents", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    public = models.BooleanField(
        _("public version"),
        default=True,
        help_text=_("The public version leaves out the entries discussed in closed session."),
    )
    file = models.FileField(_("file"), upload_to=stored_name, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    template_sha256 = models.CharField(_("SHA-256 of the template"), max_length=64)
    confidential_items = models.ManyToManyField(
        AgendaItem,
        related_name="+",
        blank=True,
        verbose_name=_("confidential items"),
        help_text=_("The confidential items this full version holds; empty when public."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["meeting", "kind", "-version", "-public"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "version", "public"],
                name="document_one_edition_per_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_positive"),
        ]

    def __str__(self) -> str:
        return self.download_name()

    @property
    def region_id(self) -> int:
        return self.meeting.region_id

    def download_name(self) -> str:
        """Return the Dutch file name a person saves: notulen-CL-RUIMTE-2026-03-03-v2.docx."""
        meeting = self.meeting
        code = "".join(
            c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in meeting.body.code
        )
        day = timezone.localtime(meeting.starts_at).date().isoformat()
        edition = "" if self.public else "-volledig"
        return f"{FILE_STEMS[self.kind]}-{code}-{day}-v{self.version}{edition}.docx"


def pdf_stored_name(pdf: DocumentPdf, filename: str) -> str:
    """Return where a document's PDF/A is stored, beside its Word file."""
    return _beside(pdf.document, "pdfa")


def signed_stored_name(signature: DocumentSignature, filename: str) -> str:
    """Return where the PDF as it stands after one signature is stored."""
    return _beside(signature.document, f"ondertekend-{signature.position}")


def _beside(document: GeneratedDocument, what: str) -> str:
    edition = "openbaar" if document.public else "volledig"
    return (
        f"documents/{document.meeting_id}/"
        f"{document.kind}-v{document.version}-{edition}-{what}-{secrets.token_hex(8)}.pdf"
    )


class DocumentPdf(models.Model):
    """The PDF/A-2b of one generated document: its Word file converted, made once by the
    worker after the document was stored. The document row itself never changes."""

    document = models.OneToOneField(
        GeneratedDocument,
        models.PROTECT,
        related_name="pdf",
        verbose_name=pgettext_lazy("signature", "document"),
    )
    file = models.FileField(_("file"), upload_to=pdf_stored_name, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    seconds = models.FloatField(_("conversion time in seconds"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("PDF of a document")
        verbose_name_plural = _("PDFs of documents")

    def __str__(self) -> str:
        return self.document.download_name().removesuffix(".docx") + ".pdf"


class DocumentSignature(models.Model):
    """One PAdES signature on a document's PDF, in its place in the sequence (1 the
    presiding chair, 2 the secretary). `file` is the PDF with every signature up to this
    one; `signed_sha256` is the file the signer saw and signed."""

    document = models.ForeignKey(
        GeneratedDocument,
        models.PROTECT,
        related_name="signatures",
        verbose_name=pgettext_lazy("signature", "document"),
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("signature", "position"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("signature", "signer"),
    )
    capacity = models.CharField(pgettext_lazy("signature", "signed as"), max_length=100)
    reason = models.CharField(pgettext_lazy("signature", "reason"), max_length=255)
    certificate_subject = models.CharField(
        pgettext_lazy("signature", "certificate"), max_length=255
    )
    certificate_sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64)
    signed_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64)
    file = models.FileField(_("file"), upload_to=signed_stored_name, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    signed_at = models.DateTimeField(
        pgettext_lazy("signature", "signed at"), default=timezone.now, editable=False
    )

    class Meta:
        verbose_name = pgettext_lazy("signature", "signature")
        verbose_name_plural = pgettext_lazy("signature", "signatures")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="signature_one_per_position"
            ),
            models.UniqueConstraint(fields=["document", "signer"], name="signature_one_per_signer"),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="signature_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.position}"


class DocumentRequest(models.Model):
    """A document a transition made due: recorded in the transition's transaction, made by
    the worker after it commits, so no document renders while the meeting is locked.

    The row is the truth, the queue only wakes the worker: a request whose task was lost
    is found again by the minute's sweep. One request per (meeting, kind, step), and one
    version per request (`document` is the public version it made). A request that
    failed keeps its `error` and is tried again until it succeeds.
    """

    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="document_requests", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GeneratedDocument.Kind.choices)
    state = models.CharField(
        _("meeting state described"),
        max_length=20,
        help_text=_("The meeting's state when the document was requested: what it describes."),
    )
    approving = models.BooleanField(_("approved minutes"), default=False)
    cause = models.ForeignKey(
        TransitionLog, models.PROTECT, related_name="+", verbose_name=_("requested by the step")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    document = models.ForeignKey(
        GeneratedDocument,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("document made"),
    )
    done_at = models.DateTimeField(_("made at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "cause"], name="document_request_once_per_step"
            ),
        ]
        indexes = [
            models.Index(
                fields=["meeting", "kind"],
                condition=Q(done_at__isnull=True),
                name="document_request_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.kind} · {self.cause_id}"

    @property
    def failed(self) -> bool:
        """Whether the last attempt failed (it is tried again)."""
        return self.done_at is None and bool(self.error)
