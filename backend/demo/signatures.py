"""The demo region's signatures: a local certificate authority and a certificate for each
of its people, written under the var folder, and its held meetings' documents signed.

Nothing leaves the machine: the authority is made here, once, and kept (its key beside
it, for the demo only) so a second run adds certificates for new people and keeps the
old ones valid. A real installation configures its own files instead (see the README).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from backend.documents.models import GeneratedDocument
from backend.documents.pdf import conversion_available, document_pdf_make
from backend.documents.signing import SIGNED_STATES, current_pdf, document_sign, signers_of
from backend.meetings.models import Meeting

VALIDITY = dt.timedelta(days=3650)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Midwest (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=not sign_certificates,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def demo_authority(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """Return the demo's certificate authority, made on the first call and kept."""
    certificate_file = Path(settings.SIGNING_TRUST_ROOTS[0])
    key_file = certificate_file.with_name("ca-key.pem")
    if certificate_file.exists() and key_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return x509.load_pem_x509_certificate(certificate_file.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = _name("Midwest demo CA")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def demo_certificates(people: Iterable[Any]) -> int:
    """Give each person without one a certificate of the demo authority (a PKCS#12 file
    in SIGNING_CERTIFICATES_DIR); return how many were made."""
    folder = Path(settings.SIGNING_CERTIFICATES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    authority, authority_key = demo_authority(folder)
    passphrase = settings.SIGNING_PASSPHRASE.encode()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    now = dt.datetime.now(dt.UTC)
    made = 0
    for person in people:
        target = folder / f"{person.username}.p12"
        if target.exists():
            continue
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(person.get_full_name() or person.username))
            .issuer_name(authority.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign_certificates=False), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
                critical=False,
            )
            .sign(authority_key, hashes.SHA256())
        )
        target.write_bytes(
            pkcs12.serialize_key_and_certificates(
                person.username.encode(), key, certificate, [authority], encryption
            )
        )
        target.chmod(0o600)
        made += 1
    return made


def demo_sign(meetings: Iterable[Meeting]) -> int:
    """Sign the newest decision list and minutes of each held meeting, as its signers do,
    converting them to PDF/A first; return how many signatures were made (none without
    LibreOffice)."""
    if not conversion_available():
        return 0
    made = 0
    for meeting in meetings:
        documents = GeneratedDocument.objects.filter(
            meeting=meeting, kind__in=[k for k, s in SIGNED_STATES.items() if meeting.state in s]
        ).order_by("kind", "-version", "-public")
        newest: dict[tuple[str, bool], GeneratedDocument] = {}
        for document in documents:
            newest.setdefault((document.kind, document.public), document)
        for document in newest.values():
            if document_pdf_make(document) is None:
                continue
            document.refresh_from_db()
            for person in signers_of(meeting):
                if document.signatures.filter(signer=person).exists():
                    continue
                current = current_pdf(document)
                assert current is not None
                document_sign(document=document, actor=person, shown_sha256=current.sha256)
                made += 1
    return made
