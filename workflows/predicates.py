"""Who may see and do what: `rules` predicates shared by the machines, the API and the pages.

Every predicate takes `(user, obj)`. Roles come from the person's memberships that run
today (cached on the user object for the length of a request), plus the coordinator
flag and Django's superuser (administrator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rules

from backend.organisations.models import Membership, Person
from workflows.states import ItemState

CHAIR = Membership.Role.CHAIR
SECRETARY = Membership.Role.SECRETARY


@dataclass(frozen=True)
class Roles:
    """The roles a person holds today, per body id."""

    by_body: dict[int, frozenset[str]] = field(default_factory=dict)

    def member_of(self, body_id: int | None) -> bool:
        return body_id is not None and body_id in self.by_body

    def has_role(self, body_id: int | None, *roles: str) -> bool:
        return body_id is not None and bool(self.by_body.get(body_id, frozenset()) & set(roles))


def roles_of(user: Any) -> Roles:
    """Return the person's roles today, computed once per user object."""
    cached = getattr(user, "_midwest_roles", None)
    if cached is not None:
        return cached
    by_body: dict[int, set[str]] = {}
    if getattr(user, "is_authenticated", False):
        # No order: the roles are collected in sets (the model's order joins two tables).
        memberships = Membership.objects.active().filter(person=user.pk).order_by()
        for body_id, role in memberships.values_list("body_id", "role"):
            by_body.setdefault(body_id, set()).add(role)
    roles = Roles({body: frozenset(r) for body, r in by_body.items()})
    user._midwest_roles = roles
    return roles


# --- Region and global roles ------------------------------------------------------


@rules.predicate
def is_administrator(user: Person) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


@rules.predicate
def in_same_region(user: Person, obj: Any) -> bool:
    region_id = getattr(user, "region_id", None)
    return bool(
        getattr(user, "is_active", False) and region_id is not None and region_id == obj.region_id
    )


@rules.predicate
def is_coordinator(user: Person, obj: Any) -> bool:
    return bool(getattr(user, "is_coordinator", False)) and in_same_region(user, obj)


@rules.predicate
def nobody(user: Person, obj: Any) -> bool:
    """For transitions that only happen as a consequence of another one."""
    return False


# --- Agenda items -------------------------------------------------------------------


@rules.predicate
def is_item_author(user: Person, item: Any) -> bool:
    return item.author_id == user.pk


@rules.predicate
def is_group_member(user: Person, item: Any) -> bool:
    return roles_of(user).member_of(item.intervision_group_id)


@rules.predicate
def is_group_chair(user: Person, item: Any) -> bool:
    return roles_of(user).has_role(item.intervision_group_id, CHAIR)


@rules.predicate
def is_cluster_chair(user: Person, item: Any) -> bool:
    return roles_of(user).has_role(item.target_cluster_id, CHAIR)


def deciding_body_id(item: Any) -> int | None:
    """Return the body that decides the item now: the body of the meeting on whose agenda
    it waits for an outcome (None when it waits on no agenda). Reads the prefetched
    entries when a list has them."""
    if not item.pk:
        return None
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "entries" in cache:
        for entry in cache["entries"]:
            if entry.outcome == "pending":
                return int(entry.meeting.body_id)
        return None
    return item.entries.filter(outcome="pending").values_list("meeting__body", flat=True).first()


@rules.predicate
def is_deciding_chair(user: Person, item: Any) -> bool:
    """A chair of the body of the meeting the item is on: not of its target cluster, which
    someone could have changed after the item was scheduled."""
    return roles_of(user).has_role(deciding_body_id(item), CHAIR)


@rules.predicate
def is_presiding_chair(user: Person, item: Any) -> bool:
    """The chair presiding the meeting the item waits on (chosen when it opened)."""
    if not item.pk or not getattr(user, "pk", None):
        return False
    return bool(item.entries.filter(outcome="pending", meeting__presiding=user.pk).exists())


IN_THE_GROUP = ItemState.in_the_group()
"""States in which an item has not yet reached its target cluster."""


def bodies_passed_through(item: Any) -> set[int]:
    """Return the ids of the bodies an item has been in: its intervision group, its target
    cluster once the group endorsed it, and the bodies of the meetings it was put on."""
    bodies = {item.intervision_group_id}
    if item.target_cluster_id and item.state not in IN_THE_GROUP:
        bodies.add(item.target_cluster_id)
    if item.pk:
        bodies.update(entry.meeting.body_id for entry in item.entries.all())
    return bodies


@rules.predicate
def is_member_of_a_body_it_passed(user: Person, item: Any) -> bool:
    roles = roles_of(user)
    return any(roles.member_of(body) for body in bodies_passed_through(item))


@rules.predicate
def is_confidential(user: Person, item: Any) -> bool:
    return bool(item.confidential)


@rules.predicate
def is_draft(user: Person, item: Any) -> bool:
    return item.state == ItemState.DRAFT


DECIDED = ItemState.decided()
"""States after which an item's content is a record, not a draft."""


@rules.predicate
def is_decided(user: Person, item: Any) -> bool:
    return item.state in DECIDED


def item_relation(user: Any, item: Any) -> tuple[Any, ...] | None:
    """What the permissions of the item's transitions read (see `Machine.relation`): the
    region, the authorship, the actor's roles in the group, in the target cluster and in
    the body deciding the item now, and whether the actor presides the meeting it waits
    on. Read from the prefetched entries; None without them. The user's own flags
    (administrator, coordinator) are the same on every row of a list."""
    if not item.pk:
        return None
    entries = getattr(item, "_prefetched_objects_cache", {}).get("entries")
    if entries is None:
        return None
    roles = roles_of(user).by_body
    pending = [entry for entry in entries if entry.outcome == "pending"]
    deciding = int(pending[0].meeting.body_id) if pending else None
    presiding = bool(user.pk) and any(e.meeting.presiding_id == user.pk for e in pending)
    region_id = getattr(user, "region_id", None)
    return (
        bool(getattr(user, "is_active", False) and region_id is not None)
        and region_id == item.region_id,
        item.author_id == user.pk,
        roles.get(item.intervision_group_id),
        roles.get(item.target_cluster_id),
        roles.get(deciding) if deciding is not None else None,
        presiding,
    )


can_view_item = is_administrator | (
    in_same_region
    & (~is_confidential | is_coordinator | is_item_author | is_member_of_a_body_it_passed)
)
can_write_item = is_administrator | (in_same_region & (is_item_author | is_group_member))
can_edit_item_content = ~is_decided & (
    is_administrator
    | (
        in_same_region
        & (
            (is_draft & (is_item_author | is_group_member))
            | (~is_draft & (is_group_chair | is_cluster_chair | is_coordinator))
        )
    )
)
can_route_item = is_administrator | (
    in_same_region & (is_item_author | is_group_chair | is_coordinator)
)
"""Who may change an item's target body or its confidential flag (beside editing it)."""
can_draft_item = is_administrator | (in_same_region & (is_group_member | is_coordinator))
can_prepare_item = is_administrator | (in_same_region & (is_group_chair | is_coordinator))
can_schedule_item = is_administrator | (in_same_region & (is_cluster_chair | is_coordinator))
can_decide_item = is_administrator | (in_same_region & is_deciding_chair)
can_preside_item = is_administrator | (in_same_region & is_presiding_chair)
can_follow_up_item = is_administrator | is_coordinator
can_withdraw_item = is_administrator | (in_same_region & (is_item_author | is_coordinator))
can_forward_item = is_administrator | (in_same_region & (is_cluster_chair | is_coordinator))

# --- Meetings -------------------------------------------------------------------------


@rules.predicate
def is_body_officer(user: Person, meeting: Any) -> bool:
    return roles_of(user).has_role(meeting.body_id, CHAIR, SECRETARY)


@rules.predicate
def is_body_chair(user: Person, meeting: Any) -> bool:
    return roles_of(user).has_role(meeting.body_id, CHAIR)


can_view_meeting = is_administrator | in_same_region
can_run_meeting = is_administrator | (in_same_region & (is_body_officer | is_coordinator))
can_approve_minutes = is_administrator | (in_same_region & is_body_chair)

# --- Actions --------------------------------------------------------------------------


@rules.predicate
def is_assignee(user: Person, action: Any) -> bool:
    return action.assignee_id is not None and action.assignee_id == user.pk


@rules.predicate
def is_service_staff(user: Person, action: Any) -> bool:
    service_id = getattr(user, "service_id", None)
    return action.service_id is not None and action.service_id == service_id


@rules.predicate
def can_view_action(user: Person, action: Any) -> bool:
    """Who may see the item, and always who carries the action out."""
    if can_view_item(user, action.item):
        return True
    return bool(
        in_same_region(user, action)
        and (is_assignee(user, action) or is_service_staff(user, action))
    )


can_work_on_action = is_administrator | (
    in_same_region & (is_assignee | is_service_staff | is_coordinator)
)
can_manage_action = is_administrator | is_coordinator

# --- Ratifications ------------------------------------------------------------------


@rules.predicate
def is_municipality_director(user: Person, ratification: Any) -> bool:
    return (
        getattr(user, "function", None) == Person.Function.GENERAL_DIRECTOR
        and user.municipality_id == ratification.municipality_id
    )


@rules.predicate
def can_view_ratification(user: Person, ratification: Any) -> bool:
    return bool(can_view_item(user, ratification.decision.item))


can_record_ratification = is_administrator | (
    in_same_region & (is_municipality_director | is_coordinator)
)
can_waive_ratification = is_administrator | is_coordinator

# --- Adapter -------------------------------------------------------------------------


def as_permission(predicate: rules.Predicate) -> Any:
    """Adapt a `(user, obj)` predicate to django-fsm's `permission=(instance, user)`."""

    def permission(instance: Any, user: Any) -> bool:
        return bool(predicate.test(user, instance))

    permission.__name__ = f"permission_{predicate.name}"
    return permission
