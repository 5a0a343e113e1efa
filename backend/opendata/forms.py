"""The search form of the public site: words, and filters by body, year and municipality."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backend.organisations.models import Body, Municipality

QUERY_MAX_LENGTH = 200
WORDS_MAX = 10
# Quotes around a word are how people mark a phrase elsewhere; here they are left off.
QUOTES = "\"'“”‘’„«»"


class SearchForm(forms.Form):
    """What a citizen searches for; anything else is refused with a reason (400)."""

    q = forms.CharField(
        label=_("Words in the title or the decision"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        strip=True,
    )
    orgaan = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=_("All bodies"),
        error_messages={"invalid_choice": _("Choose one of the bodies in the list.")},
    )
    jaar = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the years in the list.")},
    )
    gemeente = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
        error_messages={"invalid_choice": _("Choose one of the municipalities in the list.")},
    )

    def __init__(
        self,
        *args: Any,
        bodies: Any,
        years: list[int],
        municipalities: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgaan"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["jaar"].choices = [("", _("All years")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["gemeente"].queryset = municipalities  # type: ignore[attr-defined]

    def words(self) -> list[str]:
        """The distinct words searched for, at most WORDS_MAX of them."""
        text = self.cleaned_data.get("q") or ""
        seen: list[str] = []
        for raw in text.split():
            word = raw.strip(QUOTES)
            if word and word.casefold() not in (w.casefold() for w in seen):
                seen.append(word)
        return seen[:WORDS_MAX]
