"""A transition's parameters, declared once on its step.

Each declaration knows how to read its value from what a client sent (the parser, with the
reasons a person reads), how the page asks for it (a field: its widget, label, limits and
choices) and how the API describes it (its OpenAPI schema). The engine, the pages'
transition forms and the schema all read the same declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from workflows import params as p
from workflows.errors import FieldReason, GuardFailed

Reason = str | Promise


@dataclass(frozen=True, kw_only=True)
class Param:
    """One parameter: its name in the request, its label on the page, and, when it must be
    given, the reason said when it is missing."""

    name: str
    label: Reason
    required: Reason | None = None
    default: Callable[[Any], str] | None = None
    """What the page's field holds before the person types, from the object."""

    @property
    def widget(self) -> str:
        """How the page asks for it: text, textarea, date, select or votes."""
        return "text"

    @property
    def keys(self) -> tuple[str, ...]:
        """The names this declaration reads from a request."""
        return (self.name,)

    def parse(self, data: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        """Return the clean value(s) by name, or raise GuardFailed with the reasons."""
        return {self.name: self.clean(data.get(self.name), obj, actor)}

    def clean(self, value: Any, obj: Any, actor: Any) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, dict[str, Any]]:
        """The OpenAPI properties this declaration adds to the request body."""
        return {self.name: {**self.value_schema(), "description": str(self.label)}}

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def choices(self, obj: Any, actor: Any) -> list[tuple[str, str]]:
        """The values a person may pick on the page (for a list of choices)."""
        return []

    def present(self, obj: Any) -> list[Any]:
        """Who votes, for a declaration of votes (nobody for any other)."""
        return []

    def initial(self, obj: Any) -> str:
        """What the field holds before the person types."""
        return str(self.default(obj)) if self.default is not None else ""

    def from_form(self, post: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        """Read this parameter from a posted page form, as the parser reads a request."""
        return {self.name: post.get(self.name, "")} if self.name in post else {}

    def asked(self, obj: Any) -> bool:
        """Whether the page asks for it for this object (some only in some cases)."""
        return True

    @property
    def must_send(self) -> bool:
        """Whether a request must carry it (the API description lists it as required)."""
        return self.required is not None and len(self.keys) == 1

    def describe(self, obj: Any) -> str:
        """The label the page shows for this object."""
        return str(self.label)


@dataclass(frozen=True, kw_only=True)
class Text(Param):
    """A text, at most `max_length` characters; one line or several."""

    max_length: int = 20000
    multiline: bool = True
    when: Callable[[Any], bool] | None = None
    """When the page asks it (always when not given)."""

    @property
    def widget(self) -> str:
        return "textarea" if self.multiline else "text"

    def asked(self, obj: Any) -> bool:
        return True if self.when is None else self.when(obj)

    def clean(self, value: Any, obj: Any, actor: Any) -> str:
        return p.text(
            value,
            required_reason=None if self.required is None else str(self.required),
            max_length=self.max_length,
            field=self.name,
        )

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


@dataclass(frozen=True, kw_only=True)
class Date(Param):
    """A day, written YYYY-MM-DD; `not_after_today` lets the page offer no later day."""

    not_after_today: bool = False

    @property
    def widget(self) -> str:
        return "date"

    def clean(self, value: Any, obj: Any, actor: Any) -> Any:
        return p.date(value, required_reason=str(self.required or _("Give a date.")))

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True, kw_only=True)
class Choice(Param):
    """One of the values of a TextChoices enum."""

    options: type[models.TextChoices]

    @property
    def widget(self) -> str:
        return "select"

    def clean(self, value: Any, obj: Any, actor: Any) -> str:
        return p.choice(value, self.options, required_reason=str(self.required or _("Choose one.")))

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.options.values)}

    def choices(self, obj: Any, actor: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.options.choices]


@dataclass(frozen=True, kw_only=True)
class Instance(Param):
    """The id of a row that `accepted(obj, actor)` holds; the page offers `offered(obj,
    actor)` (by default the same rows), each shown by `shown(row)`; `empty` says why there
    is nothing to choose from."""

    accepted: Callable[[Any, Any], models.QuerySet[Any]]
    unknown: Reason
    offered: Callable[[Any, Any], Iterable[Any]] | None = None
    shown: Callable[[Any], str] = str
    empty: Reason = ""
    fallback: Callable[[Any], Any] | None = None
    """The row taken when none is given (None: the `required` reason is said)."""

    @property
    def widget(self) -> str:
        return "select"

    @property
    def must_send(self) -> bool:
        return self.fallback is None and super().must_send

    def initial(self, obj: Any) -> str:
        if self.fallback is not None:
            row = self.fallback(obj)
            return str(row.pk) if row is not None else ""
        return super().initial(obj)

    def clean(self, value: Any, obj: Any, actor: Any) -> Any:
        if value in (None, "") and self.fallback is not None:
            row = self.fallback(obj)
            if row is not None:
                return row
        return p.instance(
            value,
            self.accepted(obj, actor),
            required_reason=str(self.required or _("Choose one.")),
            unknown_reason=str(self.unknown),
        )

    def value_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1}

    def choices(self, obj: Any, actor: Any) -> list[tuple[str, str]]:
        rows = (self.offered or self.accepted)(obj, actor)
        return [(str(row.pk), self.shown(row)) for row in rows]


@dataclass(frozen=True, kw_only=True)
class Confirm(Param):
    """A yes the page asks only when `when(obj)` holds (a step taken in unusual
    circumstances); its label is `label` filled in with `details(obj)`. The page sends it
    ticked or not, and not ticked is refused with `required`; a client that does not send
    it is not asked."""

    when: Callable[[Any], bool]
    details: Callable[[Any], Mapping[str, Any]] = lambda obj: {}

    @property
    def widget(self) -> str:
        return "checkbox"

    def asked(self, obj: Any) -> bool:
        return self.when(obj)

    @property
    def must_send(self) -> bool:
        return False

    def describe(self, obj: Any) -> str:
        return str(self.label) % dict(self.details(obj))

    def parse(self, data: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        if self.name not in data:
            return {}
        value = data[self.name]
        if not isinstance(value, bool):
            raise GuardFailed([_("%(name)s must be true or false.") % {"name": self.name}])
        if not value and self.when(obj):
            raise GuardFailed([str(self.required or _("Confirm this first."))])
        # Kept with the step in the history: the person said yes.
        return {self.name: value}

    def value_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def schema(self) -> dict[str, dict[str, Any]]:
        return {
            self.name: {
                "type": "boolean",
                "description": f"{self.required} The pages ask it; false is refused "
                "when it applies, leaving it out is not.",
            }
        }

    def from_form(self, post: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        if not self.when(obj):
            return {}
        return {self.name: post.get(self.name) == "yes"}


COUNTS = ("for", "against", "abstain")
"""The three counts of a vote, in the order they are said."""


@dataclass(frozen=True, kw_only=True)
class Votes(Param):
    """How a body decided: `{"consensus": true}`, or `{"votes": [{"municipality", "vote"}]}`
    with one vote for each municipality `voters(obj)` names; an empty `voters` means no
    count to compare (the guards say why the vote cannot be held)."""

    name: str = "votes"
    options: type[models.TextChoices]
    voters: Callable[[Any], Sequence[Any] | None]
    barred: Callable[[Any], Mapping[int, str]] | None = None
    """Municipalities that may not vote on the object, their names by id (who is present
    for them all has a conflict of interest): a vote for one is refused by its name."""

    @property
    def widget(self) -> str:
        return "votes"

    @property
    def keys(self) -> tuple[str, ...]:
        return ("consensus", "votes", "secret", *COUNTS)

    def parse(self, data: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        secret = data.get("secret")
        if secret not in (None, True, False):
            raise GuardFailed([_("secret must be true or false.")])
        if secret is True:
            return self.parse_secret(data, obj)
        if any(name in data for name in COUNTS):
            raise GuardFailed([_("Counts are only given for a secret vote (secret: true).")])
        parsed = self.parse_open(data, obj)
        present = self.voters(obj) or ()
        if parsed["consensus"]:
            tally = {"for": len(present), "against": 0, "abstain": 0}
        else:
            chosen = list(parsed["votes"].values())
            tally = {name: chosen.count(name) for name in COUNTS}
        return {**parsed, "secret": False, "tally": tally}

    def parse_secret(self, data: Mapping[str, Any], obj: Any) -> dict[str, Any]:
        """Read a secret vote: only the three counts, which add up to the voters present."""
        if data.get("consensus") is not None or data.get("votes") is not None:
            raise GuardFailed(
                [_("A secret vote gives only the counts: no consensus and no votes with it.")]
            )
        present = self.voters(obj)
        reasons: list[str] = []
        tally: dict[str, int] = {}
        labels = dict(self.options.choices)
        for name in COUNTS:
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                reasons.append(
                    FieldReason(
                        _("%(count)s: give a whole number, 0 or more.")
                        % {"count": str(labels.get(name, name)).capitalize()},
                        name,
                    )
                )
            elif present is not None and value > len(present):
                reasons.append(
                    FieldReason(
                        _("%(count)s: more than the %(n)d municipalities present.")
                        % {"count": str(labels.get(name, name)).capitalize(), "n": len(present)},
                        name,
                    )
                )
            else:
                tally[name] = value
        if not reasons and present is not None and sum(tally.values()) != len(present):
            reasons.append(
                _(
                    "The counts add up to %(sum)d; they must add up to the %(n)d "
                    "municipalities present."
                )
                % {"sum": sum(tally.values()), "n": len(present)}
            )
        if reasons:
            raise GuardFailed(reasons)
        return {"consensus": False, "votes": {}, "secret": True, "tally": tally}

    def parse_open(self, data: Mapping[str, Any], obj: Any) -> dict[str, Any]:
        """Read a vote by consensus or one vote per municipality present."""
        reasons: list[str] = []
        consensus = data.get("consensus")
        votes_raw = data.get("votes")
        votes: dict[int, str] = {}
        if consensus not in (None, True, False):
            reasons.append(_("consensus must be true or false."))
        elif (consensus is True) == (votes_raw is not None):
            reasons.append(_("Give either consensus: true or the votes, not both and not neither."))
        elif votes_raw is not None:
            if not isinstance(votes_raw, list):
                reasons.append(_("The votes must be a list."))
            else:
                present = self.voters(obj)
                names = {m.pk: m.name for m in present or ()}
                barred = self.barred(obj) if self.barred is not None else {}
                for vote in votes_raw:
                    reason = self.add(vote, votes, names) or self.refused(vote, barred)
                    if reason:
                        reasons.append(reason)
                counted = present is not None and set(votes) != {m.pk for m in present}
                if not reasons and counted:
                    reasons.append(
                        _("Give one vote for each municipality present, and only for those.")
                    )
        if reasons:
            raise GuardFailed(reasons)
        return {"consensus": consensus is True, "votes": votes}

    def refused(self, vote: Any, barred: Mapping[int, str]) -> str | None:
        """Say why a (well-formed) vote is for a municipality that may not vote on the entry
        (`barred` gives the reason, naming it)."""
        try:
            municipality_id = int(vote["municipality"])
        except (KeyError, TypeError, ValueError):
            return None
        if municipality_id not in barred:
            return None
        return FieldReason(barred[municipality_id], f"vote_{municipality_id}")

    def add(self, vote: Any, votes: dict[int, str], names: Mapping[int, str]) -> str | None:
        """Add one `{"municipality", "vote"}` to `votes`, or say what is wrong with it (by
        the municipality's name, beside its field, when it is one of those present)."""
        municipality = vote.get("municipality") if isinstance(vote, dict) else None
        choice = vote.get("vote") if isinstance(vote, dict) else None
        if isinstance(municipality, bool) or not isinstance(municipality, int | str):
            return _("Each vote needs a municipality id.")
        try:
            municipality_id = int(municipality)
        except ValueError:
            return _("Each vote needs a municipality id.")
        if choice not in self.options.values:
            if municipality_id in names:
                return FieldReason(
                    _("%(municipality)s: choose for, against or abstain.")
                    % {"municipality": names[municipality_id]},
                    f"vote_{municipality_id}",
                )
            return _("A vote is for, against or abstain.")
        if municipality_id in votes:
            return _("A municipality can vote only once.")
        votes[municipality_id] = choice
        return None

    def schema(self) -> dict[str, dict[str, Any]]:
        return {
            "consensus": {
                "type": "boolean",
                "description": "true when the body decided by consensus (then no votes)",
            },
            "secret": {
                "type": "boolean",
                "description": "true for a secret vote: then only the counts `for`, "
                "`against` and `abstain`, which add up to the municipalities present",
            },
            **{
                name: {
                    "type": "integer",
                    "minimum": 0,
                    "description": f"a secret vote: how many municipalities voted {name}",
                }
                for name in COUNTS
            },
            "votes": {
                "type": "array",
                "description": str(self.label),
                "items": {
                    "type": "object",
                    "properties": {
                        "municipality": {"type": "integer"},
                        "vote": {"type": "string", "enum": list(self.options.values)},
                    },
                    "required": ["municipality", "vote"],
                },
            },
        }

    def choices(self, obj: Any, actor: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.options.choices]

    def present(self, obj: Any) -> list[Any]:
        return list(self.voters(obj) or [])

    def from_form(self, post: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        if post.get("mode") == "secret":
            counts = {name: str(post.get(name, "")).strip() for name in COUNTS}
            return {
                "secret": True,
                **{
                    name: int(value) if value.isdigit() and len(value) < 7 else value
                    for name, value in counts.items()
                },
            }
        if post.get("mode") != "votes":
            return {"consensus": True}
        return {
            "votes": [
                {"municipality": m.pk, "vote": post.get(f"vote_{m.pk}", "")}
                for m in self.present(obj)
            ]
        }


@dataclass(frozen=True)
class Declared:
    """The parameters of one transition, in the order the page asks for them."""

    params: tuple[Param, ...] = ()
    derive: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    """Values worked out from the clean ones (kept in the history with them)."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for param in self.params for key in param.keys)

    def parse(self, obj: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
        """Return the clean parameters, or raise GuardFailed with every reason at once."""
        data = p.only(raw, self.keys)
        values: dict[str, Any] = {}
        reasons: list[str] = []
        for param in self.params:
            try:
                values.update(param.parse(data, obj, actor))
            except GuardFailed as error:
                reasons.extend(
                    reason if isinstance(reason, FieldReason) else FieldReason(reason, param.name)
                    for reason in error.reasons
                )
        if reasons:
            raise GuardFailed(reasons)
        if self.derive is not None:
            values.update(self.derive(obj, values))
        return values

    def schema(self) -> dict[str, Any]:
        """The OpenAPI request body of the transition (its parameters and a comment)."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in self.params:
            properties.update(param.schema())
            if param.must_send:
                required.append(param.name)
        properties["comment"] = {
            "type": "string",
            "maxLength": p.MAX_COMMENT,
            "description": "An optional comment, kept in the history.",
        }
        body: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            body["required"] = required
        return body

    def from_form(self, post: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        """Read the parameters from a posted page form."""
        raw: dict[str, Any] = {}
        for param in self.params:
            raw.update(param.from_form(post, obj, actor))
        return raw


@dataclass(frozen=True, kw_only=True)
class Flag(Param):
    """A yes or no, false when left out; the page asks it only when `when(obj)` holds (a
    page sends a ticked box as "yes")."""

    when: Callable[[Any], bool] = lambda obj: True

    @property
    def widget(self) -> str:
        return "checkbox"

    def asked(self, obj: Any) -> bool:
        return self.when(obj)

    def parse(self, data: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        value = data.get(self.name, False)
        if not isinstance(value, bool):
            raise GuardFailed([_("%(name)s must be true or false.") % {"name": self.name}])
        return {self.name: value}

    def value_schema(self) -> dict[str, Any]:
        return {"type": "boolean", "default": False}

    def from_form(self, post: Mapping[str, Any], obj: Any, actor: Any) -> dict[str, Any]:
        return {self.name: post.get(self.name) == "yes"}


@dataclass(frozen=True, kw_only=True)
class Count(Param):
    """A whole number of at least zero, None when left out (the guards say when one is
    needed); a page sends it as digits."""

    @property
    def widget(self) -> str:
        return "number"

    def clean(self, value: Any, obj: Any, actor: Any) -> int | None:
        if value is None or value == "":
            if self.required is not None:
                raise GuardFailed([str(self.required)])
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            raise GuardFailed(
                [_("%(name)s must be a whole number of at least zero.") % {"name": self.name}]
            )
        return value

    def value_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": 32767}
