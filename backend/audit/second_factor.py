"""Two-step sign-in: a time-based code (TOTP, RFC 6238) from an authenticator app, or a
single-use recovery code, after the password.

The coordinator and administrators must use it; anyone else may. The devices and their
throttling (each wrong code doubles the wait before the next try) are django-otp's.
Recovery codes are shown once and stored only as a keyed digest: someone who reads the
database cannot sign in with them.

Setting up another authenticator and making new recovery codes ask the current code (or
the password of someone without a second step yet): a session left open is not enough.
Both are in the audit log and revoke the person's API tokens.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.audit.events import record
from backend.audit.models import AuditEvent
from backend.audit.tokens import tokens_revoke_all

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"
RECOVERY_CODE_COUNT = 10
# Ten characters of an alphabet without look-alikes (no 0/O, 1/I/L): 50 bits each.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 10
DIGEST_SALT = "backend.audit.second_factor.recovery"


def required_for(person: Any) -> bool:
    """The coordinator and administrators cannot sign in with a password alone."""
    return bool(person.is_coordinator or person.is_staff or person.is_superuser)


def authenticator_of(person: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they set one up."""
    return TOTPDevice.objects.filter(user=person, name=AUTHENTICATOR, confirmed=True).first()


def asked_of(person: Any) -> bool:
    """Whether signing in takes a second step for this person."""
    return required_for(person) or authenticator_of(person) is not None


def normalised(code: str) -> str:
    """The code without spaces and dashes, in capitals (people copy codes in groups)."""
    return re.sub(r"[\s-]+", "", code).upper()


def digest(code: str) -> str:
    """The stored form of a recovery code: a keyed digest that fits django-otp's field."""
    return salted_hmac(DIGEST_SALT, normalised(code), algorithm="sha256").hexdigest()[:16]


def code_accepted(person: Any, code: str) -> bool:
    """Check a six-digit authenticator code or a recovery code (which is then used up).

    Both devices throttle: after a wrong code the next one is refused unchecked for 1, 2,
    4, 8 … seconds.
    """
    code = normalised(code)
    if not code:
        return False
    if code.isdigit():
        device = authenticator_of(person)
        return device is not None and bool(device.verify_token(code))
    recovery = StaticDevice.objects.filter(user=person, name=RECOVERY, confirmed=True).first()
    return recovery is not None and bool(recovery.verify_token(digest(code)))


def proof_accepted(person: Any, proof: str) -> bool:
    """Check that it is the person at the keyboard before a change to how they sign in:
    the current code (authenticator or recovery code), or the password of someone
    without a second step yet."""
    if authenticator_of(person) is not None:
        return code_accepted(person, proof)
    return bool(proof) and bool(person.check_password(proof))


def recovery_codes_left(person: Any) -> int:
    return StaticToken.objects.filter(
        device__user=person, device__name=RECOVERY, device__confirmed=True
    ).count()


@transaction.atomic
def recovery_codes_renew(person: Any, request: HttpRequest | None = None) -> list[str]:
    """Replace the person's recovery codes with new ones and return them (shown once)."""
    codes = new_recovery_codes(person)
    record(AuditEvent.Kind.RECOVERY_CODES_RENEWED, request, person=person)
    tokens_revoke_all(person, request)
    return codes


def new_recovery_codes(person: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=person, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=digest(c)) for c in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


@dataclass(frozen=True)
class Enrolment:
    """What a person needs to add the authenticator: the key and a QR code of it."""

    device: TOTPDevice

    @property
    def key(self) -> str:
        """The secret in base32, in groups of four, for typing it in by hand."""
        key = self.setup_url.split("secret=", 1)[1].split("&", 1)[0]
        return " ".join(key[i : i + 4] for i in range(0, len(key), 4))

    @property
    def setup_url(self) -> str:
        return str(self.device.config_url)

    def qr_svg(self) -> str:
        """The setup address as an inline SVG picture (no script, no outside request)."""
        image = qrcode.make(self.setup_url, image_factory=qrcode.image.svg.SvgPathImage)
        out = BytesIO()
        image.save(out)
        svg = out.getvalue().decode()
        return svg[svg.index("<svg") :]


def enrolment_start(person: Any) -> Enrolment:
    """The person's unconfirmed authenticator (the same key until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=person, name=AUTHENTICATOR, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=AUTHENTICATOR, confirmed=False)
    return Enrolment(device)


@transaction.atomic
def enrolment_confirm(
    person: Any, code: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm the new authenticator with a code from it; return the new recovery codes.

    Returns None when the code is wrong (or no authenticator is being set up). A
    confirmed authenticator replaces any earlier one.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=person, name=AUTHENTICATOR, confirmed=False)
        .first()
    )
    code = normalised(code)
    if device is None or not code.isdigit() or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(AuditEvent.Kind.SECOND_STEP_CHANGED, request, person=person)
    tokens_revoke_all(person, request)
    return new_recovery_codes(person)
