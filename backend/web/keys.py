"""The person's API keys: the tokens that still work, making one (shown once) and
revoking one or all. Making one asks the current code, or the password of someone
without a second step: a session left open is not enough."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.audit import second_factor, tokens
from backend.web.forms import TokenForm
from backend.web.signin import proof_refused, secret_page
from backend.web.views import person_of


@login_required
@secret_page
def api_keys(request: HttpRequest) -> HttpResponse:
    """List the person's API keys; make a new one and show its secret once."""
    person = person_of(request)
    by_code = second_factor.authenticator_of(person) is not None
    form = TokenForm(request.POST or None, by_code=by_code)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            refused = proof_refused(request, person, form)
            if refused is None:
                _token, secret = tokens.token_create(
                    person, name=form.cleaned_data["name"], request=request
                )
                return render(request, "web/api_key_made.html", {"secret": secret})
            status = refused
    context = {
        "form": form,
        "keys": tokens.tokens_of(person),
        "idle_minutes": int(tokens.idle_limit().total_seconds() // 60),
        "absolute_hours": int(tokens.absolute_limit().total_seconds() // 3600),
    }
    return render(request, "web/api_keys.html", context, status=status)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if tokens.token_revoke(request.user, pk, request):
        messages.success(request, _("The API key is revoked."))
    return redirect("web:api-keys")


@login_required
@require_POST
def api_keys_revoke_all(request: HttpRequest) -> HttpResponse:
    if tokens.tokens_revoke_all(request.user, request):
        messages.success(request, _("All your API keys are revoked."))
    return redirect("web:api-keys")
