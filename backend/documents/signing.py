"""Signing a meeting's decision list and minutes with PAdES signatures, and checking them.

Who signs comes from one function, `signers_of(meeting)`: the presiding chair first, then
the secretary. A decision list is signed once the meeting is closed, minutes once they are
approved; each signature is added to the PDF/A of the document as an incremental update
(pyHanko), so the first signature stays intact under the second.

Where the certificates come from is configuration:

- a PKCS#12 file per person: `<username>.p12` in `SIGNING_CERTIFICATES_DIR`, opened with
  `SIGNING_PASSPHRASE`; or else
- one organisation seal (`SIGNING_SEAL`, a PKCS#12 file opened with
  `SIGNING_SEAL_PASSPHRASE`), the signer's name then written in the signature's reason.

Signatures are checked offline against `SIGNING_TRUST_ROOTS` (PEM files): the chain up to
a configured root, the signed bytes unchanged, nothing but further signatures added after
each. Revocation is not fetched (no OCSP or CRL requests leave the server).

A check costs about a tenth of a second per signature, so its verdict is kept in Django's
cache under the SHA-256 of the file as read and a fingerprint of the trust roots: the
same bytes against the same roots are validated once a day at most, however often a page
is shown; bytes that no longer match the checksum recorded at signing are never validated
nor cached, and other roots are another key.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from backend.audit import second_factor
from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.selectors import documents_visible_to
from backend.meetings.models import Attendance, Meeting
from backend.organisations.models import Membership, Person
from workflows.engine import EditRule, check_edit, edit
from workflows.errors import ConcurrentChange, GuardFailed, NotPossible, TransitionError
from workflows.states import MeetingState

with warnings.catch_warnings():
    # pyHanko still imports cryptography's DSA support, which warns of its own deprecation.
    warnings.simplefilter("ignore")
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

Kind = GeneratedDocument.Kind
T = TypeVar("T")

SIGNED_STATES: dict[str, tuple[str, ...]] = {
    Kind.DECISION_LIST: MeetingState.held(),
    Kind.MINUTES: (MeetingState.MINUTES_APPROVED,),
}
"""The documents that are signed, and the meeting states they are signed in."""


# --- Who signs --------------------------------------------------------------------------


def signers_of(meeting: Meeting) -> list[Person]:
    """Return who signs the meeting's documents, in order: [presiding chair, secretary].

    The presiding chair is the meeting's `presiding` where the meeting records one, else
    the first chair of the body present at the meeting, else the body's first chair. The
    secretary is the meeting's `secretary` where recorded, else a secretary of the body,
    else the region's coordinator. Someone missing is left out.
    """
    members = Membership.objects.filter(body=meeting.body_id).order_by("pk")
    presiding = getattr(meeting, "presiding", None)
    if presiding is None:
        chairs = members.filter(role=Membership.Role.CHAIR)
        present = Attendance.objects.filter(
            meeting=meeting, status=Attendance.Status.PRESENT
        ).values("person")
        chair = chairs.filter(person__in=present).first() or chairs.first()
        presiding = chair.person if chair is not None else None
    secretary = getattr(meeting, "secretary", None)
    if secretary is None:
        member = members.filter(role=Membership.Role.SECRETARY).first()
        secretary = (
            member.person
            if member is not None
            else Person.objects.filter(region=meeting.body.region_id, is_coordinator=True)
            .order_by("pk")
            .first()
        )
    return [person for person in (presiding, secretary) if person is not None]


def capacity_of(position: int) -> str:
    """The capacity the signer of a position signs in, as the document says it."""
    return (
        pgettext("signature", "presiding chair")
        if position == 1
        else pgettext("signature", "secretary")
    )


# --- Certificates -----------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A signer's key and certificate; `seal` when it is the organisation's, not theirs."""

    signer: Any
    seal: bool

    @property
    def subject(self) -> str:
        return str(self.signer.signing_cert.subject.human_friendly)[:255]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.signer.signing_cert.dump()).hexdigest()


def _load_pkcs12(path: Path, passphrase: str) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() or None
        )


def credentials_for(person: Any) -> Credentials | None:
    """Return the certificate a person signs with: their own PKCS#12 file, else the
    organisation seal, else None (signing is then not possible for them)."""
    folder = Path(settings.SIGNING_CERTIFICATES_DIR)
    name = str(person.username)
    if name and "/" not in name and not name.startswith("."):
        own = _load_pkcs12(folder / f"{name}.p12", settings.SIGNING_PASSPHRASE)
        if own is not None:
            return Credentials(own, seal=False)
    if settings.SIGNING_SEAL:
        seal = _load_pkcs12(Path(settings.SIGNING_SEAL), settings.SIGNING_SEAL_PASSPHRASE)
        if seal is not None:
            return Credentials(seal, seal=True)
    return None


def trust_roots() -> list[Any]:
    """Return the configured trust roots (the files that can be read)."""
    roots: list[Any] = []
    for name in settings.SIGNING_TRUST_ROOTS:
        try:
            roots.extend(load_certs_from_pemder_data(Path(name).read_bytes()))
        except (OSError, ValueError):
            continue
    return roots


def roots_fingerprint(roots: list[Any]) -> str:
    """Return a SHA-256 that changes whenever the set of trust roots does."""
    digest = hashlib.sha256()
    for der in sorted(root.dump() for root in roots):
        digest.update(hashlib.sha256(der).digest())
    return digest.hexdigest()


# --- Signing and checking bytes (no database) --------------------------------------------


def _outside_event_loop(work: Callable[[], T]) -> T:
    """Run `work` (pyHanko runs its own event loop) in a thread of its own when this thread
    already runs one (an async server, a browser test), else here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def pdf_sign(pdf: bytes, credentials: Credentials, *, field: str, name: str, reason: str) -> bytes:
    """Add one PAdES signature to a PDF as an incremental update and return the new bytes."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        name=name,
        reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = io.BytesIO()
    _outside_event_loop(
        lambda: signers.sign_pdf(writer, meta, signer=credentials.signer, output=out)
    )
    return out.getvalue()


@dataclass(frozen=True)
class Checked:
    """What validation says of one signature embedded in a PDF."""

    field: str
    subject: str
    signed_at: dt.datetime | None
    valid: bool
    summary: str


def pdf_signatures_check(pdf: bytes, roots: list[Any] | None = None) -> list[Checked]:
    """Validate every signature in a PDF against the trust roots, offline, in file order.

    Valid means: the signed bytes are unchanged, the certificate chains to a configured
    root, and whatever was added after the signature is no more than further signatures.
    """
    roots = trust_roots() if roots is None else roots
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # a damaged file is simply not valid
        return []
    found = []
    for signature in embedded:
        subject = ""
        signed_at = None
        try:
            cert = signature.signer_cert
            subject = str(cert.subject.human_friendly)
            signed_at = signature.self_reported_timestamp
            if not roots:
                raise ValueError("no trust roots configured")
            context = ValidationContext(
                trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
            )
            status = _outside_event_loop(
                lambda: validate_pdf_signature(signature, context)  # noqa: B023 (run at once)
            )
            valid = bool(status.bottom_line)
            summary = status.summary()
        except Exception as error:  # whatever fails, it is not valid
            valid, summary = False, f"{type(error).__name__}: {error}"
        found.append(Checked(str(signature.field_name), subject, signed_at, valid, summary))
    return found


# --- Documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedFile:
    """The PDF a person downloads and signs now: the unsigned PDF/A or the last signed one."""

    file: Any
    sha256: str


def current_pdf(document: GeneratedDocument) -> SignedFile | None:
    """Return the document's PDF as it stands (after its last signature), if it has one."""
    last = document.signatures.order_by("-position").first()
    if last is not None:
        return SignedFile(last.file, last.sha256)
    pdf = getattr(document, "pdf", None)
    if pdf is None:
        return None
    return SignedFile(pdf.file, pdf.sha256)


def is_latest(document: GeneratedDocument) -> bool:
    """Whether no later version of the document's kind exists (else it is superseded)."""
    return not GeneratedDocument.objects.filter(
        meeting=document.meeting_id, kind=document.kind, version__gt=document.version
    ).exists()


def _rule(document: GeneratedDocument) -> EditRule:
    def visible(actor: Any, meeting: Any) -> bool:
        return documents_visible_to(actor).filter(pk=document.pk).exists()

    def wrong_state(state: str) -> str:
        if document.kind not in SIGNED_STATES:
            return _("Only decision lists and minutes are signed.")
        if document.kind == Kind.MINUTES:
            return _("Minutes are signed once they are approved.")
        return _("A decision list is signed once the meeting is closed.")

    def permitted(actor: Any, meeting: Any) -> bool:
        return any(person.pk == actor.pk for person in signers_of(meeting))

    return EditRule(
        permitted=permitted,
        states=SIGNED_STATES.get(document.kind, ()),
        wrong_state=wrong_state,
        not_permitted=_("Only the presiding chair and the secretary sign this document."),
        visible=visible,
    )


def _not_now(document: GeneratedDocument, actor: Any) -> str | None:
    """Say why the actor cannot sign the document now, if so (the turn, the file)."""
    if document.kind not in SIGNED_STATES:
        return _("Only decision lists and minutes are signed.")
    if not is_latest(document):
        return _("A newer version of this document exists; sign that one.")
    if current_pdf(document) is None:
        return _("The PDF of this document is not available yet.")
    signed = list(document.signatures.order_by("position").values_list("signer", flat=True))
    if actor.pk in signed:
        return _("You have already signed this document.")
    order = [person.pk for person in signers_of(document.meeting)]
    if len(signed) >= len(order):
        return _("This document has been signed by everyone who signs it.")
    if order[len(signed)] != actor.pk:
        return _("The presiding chair signs first, then the secretary.")
    return None


def _refuse_now(document: GeneratedDocument, actor: Any, shown_sha256: str) -> SignedFile:
    """Refuse a signature out of turn (409) or of a file other than the one shown (409)."""
    refusal = _not_now(document, actor)
    if refusal:
        raise NotPossible(refusal)
    current = current_pdf(document)
    assert current is not None  # _not_now refused a document without a PDF
    if (shown_sha256 or "").strip().lower() != current.sha256:
        raise ConcurrentChange(
            _("The document changed since it was shown to you; look at it again.")
        )
    return current


def may_sign(document: GeneratedDocument, actor: Any) -> bool:
    """Whether the actor may sign the document now (for a page to offer the button)."""
    if document.kind not in SIGNED_STATES:
        return False
    try:
        check_edit(document.meeting, _rule(document), actor=actor)
    except TransitionError:
        return False
    return _not_now(document, actor) is None


def document_sign(
    *, document: GeneratedDocument, actor: Any, shown_sha256: str, code: str = ""
) -> DocumentSignature:
    """Sign the document's PDF as the actor and return the new signature.

    Checks in the engine's order: the actor sees the document (404); the meeting is in a
    state the document is signed in, it is the newest version with a PDF, and it is the
    actor's turn (409); the actor signs this meeting's documents (403, checked before the
    turn so an outsider learns nothing of it); then what the request carries: the SHA-256
    of the file the page showed (409 when the file changed since), the second step's code
    for someone who has one, and a certificate (400). All in one transaction with the
    meeting's row locked; the signature is the meeting's history row.
    """
    rule = _rule(document)
    # Everything but the code is checked first without the lock, then again under it: the
    # code is checked in between, outside the transaction, so the wait that a wrong code
    # adds (django-otp's throttle) is kept even though the signing is refused.
    check_edit(document.meeting, rule, actor=actor)
    _refuse_now(document, actor, shown_sha256)
    if second_factor.authenticator_of(actor) is not None and not (
        second_factor.code_accepted(actor, code or "")
    ):
        raise GuardFailed([_("The code is not correct.")])
    with edit(document.meeting, rule, actor=actor) as change:
        current = _refuse_now(document, actor, shown_sha256)
        credentials = credentials_for(actor)
        if credentials is None:
            raise GuardFailed([_("No signing certificate is configured for you.")])
        with current.file.open("rb") as handle:
            content = handle.read()
        if hashlib.sha256(content).hexdigest() != current.sha256:
            raise NotPossible(_("The stored PDF does not match its checksum; it is not signed."))
        position = document.signatures.count() + 1
        name = actor.get_full_name() or actor.username
        with translation.override(settings.LANGUAGE_CODE):
            capacity = capacity_of(position)
            reason = _("Signed as %(capacity)s") % {"capacity": capacity}
            if credentials.seal:
                reason = _("Signed by %(name)s as %(capacity)s") % {
                    "name": name,
                    "capacity": capacity,
                }
        signed = pdf_sign(
            content, credentials, field=f"Handtekening{position}", name=name, reason=reason
        )
        signature = DocumentSignature(
            document=document,
            position=position,
            signer=actor,
            capacity=capacity,
            reason=reason[:255],
            certificate_subject=credentials.subject,
            certificate_sha256=credentials.sha256,
            signed_sha256=current.sha256,
            sha256=hashlib.sha256(signed).hexdigest(),
        )
        # The file before the row, as for every generated file.
        signature.file.save("document.pdf", ContentFile(signed), save=False)
        signature.save()
        change.record(
            f"signature:{document.pk}",
            None,
            {
                "document": document.pk,
                "kind": document.kind,
                "version": document.version,
                "public": document.public,
                "position": position,
                "sha256": signature.sha256,
            },
        )
    return signature


@dataclass(frozen=True)
class SignatureView:
    """One signature as a page shows it: who, as what, when, and whether it is valid."""

    signature: DocumentSignature
    valid: bool
    summary: str


VERDICT_SECONDS = 24 * 3600
"""How long a verdict is kept: a certificate can expire, so the same file is checked again
each day."""


def verdicts_of(content: bytes, sha256: str) -> dict[str, Checked]:
    """Return the validation of each signature in the PDF, by field name, from the cache
    when these bytes were checked against these roots before.

    `sha256` is the checksum of `content`: the key is made of what was read, never of what
    a record says, so a changed file can never find the verdict of the file it replaced.
    """
    roots = trust_roots()
    key = f"signatures:v1:{sha256}:{roots_fingerprint(roots)}"
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    checked = {c.field: c for c in pdf_signatures_check(content, roots)}
    cache.set(key, checked, VERDICT_SECONDS)
    return checked


def signatures_checked(document: GeneratedDocument) -> list[SignatureView]:
    """Validate the document's signed PDF and say of each signature whether it holds.

    A signature is valid only when the stored file still has the checksum recorded at
    signing and pyHanko validates the signature in it against the trust roots. The file
    is read and hashed on every call (cheap); the validation is cached (`verdicts_of`).
    """
    signatures = list(document.signatures.select_related("signer").order_by("position"))
    if not signatures:
        return []
    last = signatures[-1]
    try:
        with last.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        content = b""
    read = hashlib.sha256(content).hexdigest()
    checked = verdicts_of(content, read) if read == last.sha256 else {}
    views = []
    for signature in signatures:
        found = checked.get(f"Handtekening{signature.position}")
        views.append(
            SignatureView(
                signature,
                valid=found is not None and found.valid,
                summary=found.summary if found is not None else "",
            )
        )
    return views
