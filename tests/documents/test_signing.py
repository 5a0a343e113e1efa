"""Decision lists and minutes are signed in turn, by the presiding chair and then the
secretary, with PAdES signatures that validate against the configured roots; everything
else is refused with a reason and signs nothing."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.audit.models import TransitionLog
from backend.demo.signatures import demo_certificates
from backend.documents import signing
from backend.documents.models import DocumentSignature, GeneratedDocument
from backend.documents.services import document_generate
from backend.documents.signing import (
    current_pdf,
    document_sign,
    pdf_signatures_check,
    signatures_checked,
    signers_of,
)
from backend.meetings.services import attendance_record
from backend.organisations.models import Membership
from tests.conftest import World, member, person
from tests.documents.signed import sign, with_pdf
from workflows.engine import fire
from workflows.errors import ConcurrentChange, GuardFailed, NotPermitted, NotPossible, NotVisible

pytestmark = pytest.mark.usefixtures("certificates")


def test_the_signers_are_the_chair_present_and_then_the_coordinator_without_a_secretary(
    world: World, ready
) -> None:
    meeting, _document = ready
    assert signers_of(meeting) == [world.cluster_chair, world.coordinator]


def test_a_secretary_of_the_body_signs_instead_of_the_coordinator(world: World, ready) -> None:
    meeting, _document = ready
    secretary = person("secretaris", world.region)
    member(secretary, world.cluster, "secretary", None)
    assert signers_of(meeting) == [world.cluster_chair, secretary]


def test_the_presiding_chair_is_a_chair_who_was_present(world: World) -> None:
    other_chair = person("tweedevoorzitter", world.region, municipality=world.municipalities[2])
    member(other_chair, world.cluster, "chair", world.municipalities[2])
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    attendance_record(
        meeting=meeting, person=other_chair, status="present", actor=world.coordinator
    )
    attendance_record(
        meeting=meeting, person=world.cluster_chair, status="excused", actor=world.coordinator
    )
    assert Membership.objects.filter(body=world.cluster, role="chair").count() == 2
    assert signers_of(meeting)[0] == other_chair


def test_chair_then_secretary_sign_and_both_signatures_validate(world: World, ready) -> None:
    meeting, document = ready
    first = sign(document, world.cluster_chair)
    second = sign(document, world.coordinator)
    assert (first.position, second.position) == (1, 2)
    assert second.signed_sha256 == first.sha256
    views = signatures_checked(document)
    assert [(v.signature.signer, v.valid) for v in views] == [
        (world.cluster_chair, True),
        (world.coordinator, True),
    ]
    with second.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == second.sha256
    checked = pdf_signatures_check(content)
    assert [c.valid for c in checked] == [True, True]
    assert "Clusterchair" in checked[0].subject
    # Each signature is a line of the meeting's history.
    edits = TransitionLog.objects.for_object(meeting).filter(kind="edit", transition="edit")
    assert [log.params["fields"] for log in edits.order_by("pk")][-2:] == [
        [f"signature:{document.pk}"],
        [f"signature:{document.pk}"],
    ]


def test_one_byte_changed_in_a_signed_pdf_fails_validation(world: World, ready) -> None:
    _meeting, document = ready
    sign(document, world.cluster_chair)
    signature = sign(document, world.coordinator)
    with signature.file.open("rb") as handle:
        content = bytearray(handle.read())
    at = content.index(b"/MediaBox")
    content[at + 1] ^= 0x01
    assert [c.valid for c in pdf_signatures_check(bytes(content))] == [False, False]
    assert [v.valid for v in signatures_checked(document)] == [True, True]  # now cached
    # The stored file altered behind the product's back: the page says "not valid".
    storage = signature.file.storage
    name = signature.file.name
    storage.delete(name)
    storage.save(name, ContentFile(bytes(content)))
    assert [v.valid for v in signatures_checked(document)] == [False, False]


def test_a_verdict_is_cached_and_the_same_file_is_not_validated_again(world: World, ready) -> None:
    _meeting, document = ready
    sign(document, world.cluster_chair)
    cache.clear()
    with mock.patch.object(
        signing, "pdf_signatures_check", wraps=signing.pdf_signatures_check
    ) as check:
        assert [v.valid for v in signatures_checked(document)] == [True]
        assert [v.valid for v in signatures_checked(document)] == [True]
        assert check.call_count == 1
        sign(document, world.coordinator)  # another file: checked anew
        assert [v.valid for v in signatures_checked(document)] == [True, True]
        assert check.call_count == 2


def test_signatures_against_another_root_are_not_valid(world: World, ready, settings) -> None:
    _meeting, document = ready
    signature = sign(document, world.cluster_chair)
    settings.SIGNING_TRUST_ROOTS = []
    with signature.file.open("rb") as handle:
        assert [c.valid for c in pdf_signatures_check(handle.read())] == [False]


def refused(document: GeneratedDocument, error: type[Exception], who, **kwargs) -> str:
    before = DocumentSignature.objects.count()
    files = set(DocumentSignature.objects.values_list("file", flat=True))
    with pytest.raises(error) as raised:
        current = current_pdf(document)
        document_sign(
            document=document,
            actor=who,
            shown_sha256=kwargs.pop("sha", current.sha256 if current else ""),
            **kwargs,
        )
    assert DocumentSignature.objects.count() == before
    assert set(DocumentSignature.objects.values_list("file", flat=True)) == files
    return str(raised.value)


def test_someone_else_may_not_sign(world: World, ready) -> None:
    _meeting, document = ready
    assert refused(document, NotPermitted, world.cluster_member)
    assert refused(document, NotVisible, world.stranger)


def test_the_secretary_does_not_sign_before_the_chair(world: World, ready) -> None:
    _meeting, document = ready
    reason = refused(document, NotPossible, world.coordinator)
    assert reason == _("The presiding chair signs first, then the secretary.")


def test_nobody_signs_twice(world: World, ready) -> None:
    _meeting, document = ready
    sign(document, world.cluster_chair)
    assert refused(document, NotPossible, world.cluster_chair) == (
        _("You have already signed this document.")
    )
    sign(document, world.coordinator)
    assert refused(document, NotPossible, world.coordinator)


def test_a_document_changed_since_it_was_shown_is_not_signed(world: World, ready) -> None:
    _meeting, document = ready
    shown = current_pdf(document).sha256
    sign(document, world.cluster_chair)
    with pytest.raises(ConcurrentChange):
        document_sign(document=document, actor=world.coordinator, shown_sha256=shown)
    assert DocumentSignature.objects.count() == 1
    assert refused(document, ConcurrentChange, world.coordinator, sha="0" * 64)


def test_a_wrong_second_factor_code_signs_nothing(world: World, ready) -> None:
    _meeting, document = ready
    device = TOTPDevice.objects.create(user=world.cluster_chair, name="authenticator")
    assert refused(document, GuardFailed, world.cluster_chair, code="000000") == (
        _("The code is not correct.")
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the wait after a wrong code is kept
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert sign(document, world.cluster_chair, code=code).position == 1


def test_minutes_are_signed_only_once_approved(world: World, ready) -> None:
    meeting, _document = ready
    draft = with_pdf(GeneratedDocument.objects.get(meeting=meeting, kind="minutes"))
    assert refused(draft, NotPossible, world.cluster_chair) == (
        _("Minutes are signed once they are approved.")
    )
    fire(meeting, "approve_minutes", actor=world.cluster_chair)
    approved = with_pdf(GeneratedDocument.objects.get(meeting=meeting, kind="minutes", version=2))
    assert refused(draft, NotPossible, world.cluster_chair)  # superseded by the approved one
    assert sign(approved, world.cluster_chair).position == 1


def test_nothing_is_signed_before_the_meeting_is_closed(world: World, certificates) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    demo_certificates(world.region.people.all())
    # Before the close there is no decision list to sign, and the agenda is never signed.
    with pytest.raises(NotPossible):
        document_generate(meeting=meeting, kind="decision_list", actor=world.coordinator)
    agenda = with_pdf(GeneratedDocument.objects.get(meeting=meeting, kind="agenda"))
    assert refused(agenda, NotPossible, world.cluster_chair) == _(
        "Only decision lists and minutes are signed."
    )


def test_without_a_pdf_or_a_certificate_nothing_is_signed(
    world: World, ready, certificates
) -> None:
    meeting, _document = ready
    bare = document_generate(meeting=meeting, kind="decision_list", actor=world.coordinator)
    assert refused(bare, NotPossible, world.cluster_chair, sha="") == (
        _("The PDF of this document is not available yet.")
    )
    (certificates / "people" / f"{world.cluster_chair.username}.p12").unlink()
    newest = with_pdf(bare)
    assert refused(newest, GuardFailed, world.cluster_chair) == (
        _("No signing certificate is configured for you.")
    )


def test_the_organisation_seal_signs_with_the_signer_named_in_the_reason(
    world: World, ready, certificates, settings
) -> None:
    _meeting, document = ready
    seal = certificates / "people" / "seal.p12"
    (certificates / "people" / f"{world.cluster_chair.username}.p12").rename(seal)
    settings.SIGNING_SEAL = str(seal)
    signature = sign(document, world.cluster_chair)
    assert world.cluster_chair.get_full_name() in signature.reason
    assert [v.valid for v in signatures_checked(document)] == [True]


def test_a_signed_document_is_frozen_and_a_correction_is_a_new_version(world: World, ready) -> None:
    meeting, document = ready
    sign(document, world.cluster_chair)
    with pytest.raises(NotPossible):
        document_generate(meeting=meeting, kind="decision_list", actor=world.coordinator)
    assert not GeneratedDocument.objects.filter(meeting=meeting, version=2).exists()
    corrected = document_generate(
        meeting=meeting,
        kind="decision_list",
        actor=world.coordinator,
        correction="Tikfout in de titel",
    )
    assert corrected.version == 2
    assert not corrected.signatures.exists()
    # The signed version stays, with its signature and its file.
    assert document.signatures.count() == 1
    assert [v.valid for v in signatures_checked(document)] == [True]
    assert refused(document, NotPossible, world.coordinator) == (
        _("A newer version of this document exists; sign that one.")
    )


def test_a_correction_of_a_document_nobody_signed_is_refused(world: World, ready) -> None:
    meeting, _document = ready
    with pytest.raises(GuardFailed):
        document_generate(
            meeting=meeting, kind="decision_list", actor=world.coordinator, correction="x"
        )


def test_the_signatures_of_a_decision_list_are_in_its_open_data(world: World, ready) -> None:
    from rdflib import Literal, Namespace, URIRef

    from backend.opendata.export import export
    from tests.opendata.test_export import as_graph, conforms, shapes

    meeting, document = ready
    assert document.public
    first = sign(document, world.cluster_chair)
    second = sign(document, world.coordinator)
    data = as_graph(export(meeting, "besluitenlijst"))
    sign_ns = Namespace("http://mu.semte.ch/vocabularies/ext/signing/")
    ext = Namespace("http://mu.semte.ch/vocabularies/ext/")
    listing = URIRef(f"http://127.0.0.1:8000/id/documenten/{meeting.pk}/besluitenlijst")
    signed = sorted(data.subjects(ext.signsBesluitenlijst, listing))
    assert len(signed) == 2
    hashes = {str(data.value(node, sign_ns.hashValue)) for node in signed}
    assert hashes == {first.sha256, second.sha256}
    chair = URIRef(
        f"http://127.0.0.1:8000/id/mandatarissen/{meeting.body_id}-{world.cluster_chair.pk}"
    )
    assert (None, sign_ns.signatory, chair) in data
    roles = {data.value(node, sign_ns.signatoryRoles) for node in signed}
    assert Literal(first.capacity, lang="nl") in roles
    for name in ("decision-list.ttl", "decision.ttl"):
        ok, report = conforms(data, shapes(name))
        assert ok, report
    # The minutes are not signed yet: their open data names no signature.
    assert not list(as_graph(export(meeting, "notulen")).subjects(ext.signsNotulen, None))
