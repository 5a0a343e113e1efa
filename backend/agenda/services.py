"""Writes about agenda items that are not state changes: drafting and editing content,
and the files attached to them."""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.agenda.files import sniff
from backend.agenda.models import AgendaItem, Attachment
from backend.files.errors import StoreUnavailable
from backend.organisations.models import Body, Municipality
from workflows import predicates as can
from workflows.engine import EditRule, check_edit, edit
from workflows.errors import GuardFailed, NotPermitted, NotPossible
from workflows.states import ItemState

CONTENT_FIELDS = (
    "title",
    "rationale",
    "proposed_decision",
    "kind",
    "intervision_group",
    "target_cluster",
    "confidential",
)

ITEM_CONTENT = EditRule(
    permitted=can.can_edit_item_content,
    states=ItemState.undecided(),
    wrong_state=gettext_lazy("A decided or withdrawn item can no longer be changed."),
    not_permitted=gettext_lazy("You may not change this item now."),
)
"""Who changes an item's content and its files: its author or group while draft, then a
chair or the coordinator; nobody once it is decided."""


def _check_bodies(region_id: int, group: Body, cluster: Body | None) -> None:
    reasons = []
    if group.region_id != region_id or group.kind != Body.Kind.INTERVISION_GROUP:
        reasons.append(_("Choose an intervision group of your region."))
    if cluster is not None and (
        cluster.region_id != region_id or cluster.kind not in Body.Kind.targets()
    ):
        reasons.append(_("Choose a cluster or a forum of your region as target."))
    if reasons:
        raise GuardFailed(reasons)


def _check_municipalities(region_id: int, municipalities: Iterable[Municipality]) -> None:
    if any(m.region_id != region_id for m in municipalities):
        raise GuardFailed([_("Choose municipalities of your region.")])


def item_create(
    *,
    actor: Any,
    title: str,
    intervision_group: Body,
    rationale: str = "",
    proposed_decision: str = "",
    kind: str = AgendaItem.Kind.DECISION,
    target_cluster: Body | None = None,
    municipalities: Iterable[Municipality] = (),
    confidential: bool = False,
) -> AgendaItem:
    """Draft a new item in an intervision group the actor belongs to (or as coordinator)."""
    municipalities = list(municipalities)
    region_id = actor.region_id
    if not actor.is_superuser:
        _check_bodies(region_id, intervision_group, target_cluster)
        _check_municipalities(region_id, municipalities)
    draft = AgendaItem(author=actor, intervision_group=intervision_group)
    if not (can.can_draft_item(actor, draft)):
        raise NotPermitted(_("Only members of the intervision group draft its items."))
    with transaction.atomic():
        item = AgendaItem.objects.create(
            title=title,
            rationale=rationale,
            proposed_decision=proposed_decision,
            kind=kind,
            author=actor,
            intervision_group=intervision_group,
            target_cluster=target_cluster,
            confidential=confidential,
        )
        item.municipalities.set(municipalities)
    return item


def item_update(
    item: AgendaItem,
    *,
    actor: Any,
    expected_version: int | None = None,
    municipalities: Iterable[Municipality] | None = None,
    **changes: Any,
) -> AgendaItem:
    """Change an item's content: its author or group while draft, then a chair or the
    coordinator, never after a decision. A stale `expected_version` is refused. The target
    body and the confidential flag are the author's, the group chair's or the
    coordinator's to change, and the target stays while the item is on an agenda. Every
    change is written to the item's history in the same transaction."""
    with edit(item, ITEM_CONTENT, actor=actor) as change:
        change.only(changes, CONTENT_FIELDS)
        retargeted = (
            "target_cluster" in changes and changes["target_cluster"] != item.target_cluster
        )
        reclassified = "confidential" in changes and changes["confidential"] != item.confidential
        if (retargeted or reclassified) and not can.can_route_item(actor, item):
            raise NotPermitted(
                _(
                    "Only the author, the chair of the intervision group or the coordinator "
                    "change the target body or the confidentiality of an item."
                )
            )
        if retargeted and can.deciding_body_id(item) is not None:
            raise NotPossible(
                _(
                    "The target body cannot change while the item is on a meeting's agenda; "
                    "take it off the agenda first."
                )
            )
        group = changes.get("intervision_group", item.intervision_group)
        # Only a new target is checked: a forwarded item's target is the body it went to.
        cluster = changes.get("target_cluster") if retargeted else None
        if not actor.is_superuser:
            _check_bodies(item.region_id, group, cluster)
            if municipalities is not None:
                municipalities = list(municipalities)
                _check_municipalities(item.region_id, municipalities)
        touched = bool(changes) or municipalities is not None
        change.save(
            changes,
            expected_version=expected_version,
            also_update=["updated_at"] if touched else [],
        )
        if municipalities is not None:
            before = set(item.municipalities.values_list("pk", flat=True))
            item.municipalities.set(municipalities)
            change.record("municipalities", before, {m.pk for m in municipalities})
    return item


def attachment_allowed(actor: Any, item: AgendaItem) -> None:
    """Attachments are part of the proposal: whoever may edit its content may add or
    remove them, and nobody once it is decided. Checked before an upload is read; the
    attachment is then added under the item's lock, where this is checked again."""
    check_edit(item, ITEM_CONTENT, actor=actor)


def display_name(original: str, extension: str) -> str:
    """The name shown and offered on download: the uploader's name without any folder
    or control character, with the extension of the type the content really has."""
    stem = PurePath(original.replace("\\", "/")).name
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem).strip(" .") or _("attachment")
    return f"{stem[:180]}.{extension}"


def too_large_reason() -> str:
    return _("A file may be at most %(limit)s.") % {
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    }


def attachment_add(*, item: AgendaItem, actor: Any, upload: UploadedFile) -> Attachment:
    """Attach a file to an item after reading what it really is; refuse what is too large
    or not one of the kinds a proposal may carry."""
    attachment_allowed(actor, item)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise GuardFailed([too_large_reason()])
    if upload.size == 0:
        raise GuardFailed([_("The file is empty.")])
    if item.attachments.count() >= settings.ATTACHMENT_MAX_PER_ITEM:
        raise GuardFailed(
            [
                _("An item carries at most %(count)d files.")
                % {"count": settings.ATTACHMENT_MAX_PER_ITEM}
            ]
        )
    kind = sniff(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    attachment = Attachment(
        item=item,
        name=display_name(upload.name or "", kind.extension),
        content_type=kind.content_type,
        extension=kind.extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    try:
        with edit(item, ITEM_CONTENT, actor=actor) as change:
            attachment.save()
            change.record("attachments", None, attachment.name)
    except Exception:
        # No row points at the file; should the store not answer now, the sweep takes it.
        with contextlib.suppress(StoreUnavailable):
            attachment.file.delete(save=False)
        raise
    return attachment


def attachment_remove(attachment: Attachment, *, actor: Any) -> None:
    """Remove an attachment and its file (after the row is gone for good)."""
    name, storage = attachment.file.name, attachment.file.storage

    def delete_file() -> None:
        # The row is gone already; a file the store kept for now is left to the sweep.
        with contextlib.suppress(StoreUnavailable):
            storage.delete(name)

    with edit(attachment.item, ITEM_CONTENT, actor=actor) as change:
        change.record("attachments", attachment.name, None)
        attachment.delete()
        change.after_commit(delete_file)
