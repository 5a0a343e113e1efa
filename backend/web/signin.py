"""Signing in and out, with the second step for those who need one.

The password step alone never signs in someone who needs a second step: it only notes
in the session who passed it, for a few minutes. The session is signed in (and its key
renewed) when the code from the authenticator app or a recovery code is right. Wrong
codes count towards the same pause as wrong passwords, per account and per address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backend.audit import second_factor
from backend.audit.services import TooManyFailures, pause_of, second_step_refused, sign_in
from backend.organisations.models import Person
from backend.web.forms import CodeForm, ProofForm, SignInForm
from backend.web.views import person_of, safe_next

PENDING = "second_step"


def secret_page(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A form page about signing in, whose answer may hold a code or a secret: asked for or
    posted, never kept by a cache."""
    return require_http_methods(["GET", "POST"])(never_cache(view))


def pause_message(error: TooManyFailures) -> str:
    minutes = max(1, round(error.retry_after / 60))
    return _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def pending_person(request: HttpRequest) -> tuple[Person, dict[str, Any]] | None:
    """Who passed the password step in this session, while the wait has not run out."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > settings.SECOND_FACTOR_WAIT_SECONDS:
        request.session.pop(PENDING, None)
        return None
    pk = pending.get("person")
    if not isinstance(pk, int):
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first()
    return (person, pending) if person is not None else None


def complete_sign_in(request: HttpRequest, person: Person, backend: str) -> None:
    request.session.pop(PENDING, None)
    login(request, person, backend=backend)


@secret_page
def sign_in_view(request: HttpRequest) -> HttpResponse:
    home = reverse("web:home")
    if request.user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request, home))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            person = sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except TooManyFailures as error:
            form.add_error(None, pause_message(error))
            status = 429
        else:
            if person is not None and second_factor.asked_of(person):
                request.session.cycle_key()
                request.session[PENDING] = {
                    "person": person.pk,
                    "backend": getattr(person, "backend", settings.AUTHENTICATION_BACKENDS[0]),
                    "since": time.time(),
                    "next": safe_next(request, home),
                }
                if second_factor.authenticator_of(person) is None:
                    return redirect("web:sign-in-enrol")
                return redirect("web:sign-in-code")
            if person is not None:
                login(request, person)
                return redirect(safe_next(request, home))
            form.add_error(None, _("The username or password is not correct."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "web/sign_in.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


def start_again(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Signing in took too long. Please start again."))
    return redirect("web:sign-in")


@secret_page
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    found = pending_person(request)
    if found is None:
        return start_again(request)
    person, pending = found
    if second_factor.authenticator_of(person) is None:
        return redirect("web:sign-in-enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            pause_of(request, person.username)
        except TooManyFailures as error:
            form.add_error(None, pause_message(error))
            status = 429
        else:
            if second_factor.code_accepted(person, code):
                complete_sign_in(request, person, pending["backend"])
                if not second_factor.normalised(code).isdigit():
                    messages.warning(
                        request,
                        _(
                            "You signed in with a recovery code; %(left)d are left. "
                            "Make new ones on the two-step sign-in page."
                        )
                        % {"left": second_factor.recovery_codes_left(person)},
                    )
                return redirect(pending["next"])
            second_step_refused(request, person.username)
            form.add_error(
                "code",
                _(
                    "This code is not right. Wait for the next code of the app, or use a "
                    "recovery code."
                ),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "web/sign_in_code.html", {"form": form}, status=status)


def proof_form(request: HttpRequest, person: Person) -> ProofForm:
    by_code = second_factor.authenticator_of(person) is not None
    return ProofForm(request.POST or None, by_code=by_code)


def proof_refused(request: HttpRequest, person: Person, form: ProofForm) -> int | None:
    """Check the current code (or password) on a valid form: None when it is right, else
    the status to answer, with the reason on the form. A wrong one counts as a failed
    sign-in, and none is checked while sign-in is paused."""
    try:
        pause_of(request, person.username)
    except TooManyFailures as error:
        form.add_error(None, pause_message(error))
        return 429
    if second_factor.proof_accepted(person, form.cleaned_data["proof"]):
        return None
    second_step_refused(request, person.username)
    if second_factor.authenticator_of(person) is not None:
        form.add_error("proof", _("This code is not right."))
    else:
        form.add_error("proof", _("The password is not correct."))
    return 400


def enrolment_page(
    request: HttpRequest,
    person: Person,
    form: CodeForm,
    proof: ProofForm | None = None,
    status: int = 200,
) -> HttpResponse:
    enrolment = second_factor.enrolment_start(person)
    context = {
        "form": form,
        "proof": proof,
        "key": enrolment.key,
        "qr": enrolment.qr_svg(),
        "required": second_factor.required_for(person),
    }
    return render(request, "web/sign_in_enrol.html", context, status=status)


def recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    # Every view that shows codes is `never_cache`: no copy stays in a cache.
    return render(request, "web/recovery_codes.html", {"codes": codes, "next": next_url})


@secret_page
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: during a sign-in that needs it, or when signed in."""
    signed_in = request.user.is_authenticated
    if signed_in:
        person = request.user
        pending: dict[str, Any] = {"next": reverse("web:second-factor")}
    else:
        found = pending_person(request)
        if found is None:
            return start_again(request)
        person, pending = found
        if second_factor.authenticator_of(person) is not None:
            return redirect("web:sign-in-code")
    assert isinstance(person, Person)
    form = CodeForm(request.POST or None)
    # Signed in, the session alone is not enough: the current code, or the password.
    proof = proof_form(request, person) if signed_in else None
    if proof is not None:
        form.fields["code"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid() and (proof is None or proof.is_valid()):
        refused = proof_refused(request, person, proof) if proof is not None else None
        if refused is not None:
            return enrolment_page(request, person, form, proof, status=refused)
        try:
            pause_of(request, person.username)
        except TooManyFailures as error:
            form.add_error(None, pause_message(error))
            return enrolment_page(request, person, form, proof, status=429)
        codes = second_factor.enrolment_confirm(person, form.cleaned_data["code"], request)
        if codes is None:
            second_step_refused(request, person.username)
            form.add_error(
                "code", _("This code is not right. Check the clock of your phone and try again.")
            )
            return enrolment_page(request, person, form, proof, status=400)
        if not signed_in:
            complete_sign_in(request, person, pending["backend"])
        return recovery_codes_page(request, codes, pending["next"])
    status = 400 if request.method == "POST" else 200
    return enrolment_page(request, person, form, proof, status=status)


@login_required
@secret_page
def second_factor_page(request: HttpRequest) -> HttpResponse:
    """The person's two-step sign-in: whether it is on, and new recovery codes."""
    person = person_of(request)
    form = CodeForm(request.POST or None)
    enabled = second_factor.authenticator_of(person) is not None
    status = 200
    if request.method == "POST" and enabled and form.is_valid():
        if second_factor.code_accepted(person, form.cleaned_data["code"]):
            codes = second_factor.recovery_codes_renew(person, request)
            return recovery_codes_page(request, codes, reverse("web:second-factor"))
        second_step_refused(request, person.username)
        form.add_error("code", _("This code is not right."))
        status = 400
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "enabled": enabled,
        "required": second_factor.required_for(person),
        "left": second_factor.recovery_codes_left(person),
    }
    return render(request, "web/second_factor.html", context, status=status)


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("web:sign-in")
