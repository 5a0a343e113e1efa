"""A forum in the test region: the OCMW-voorzittersoverleg, with a chair of its own."""

from __future__ import annotations

from dataclasses import dataclass

from backend.agenda.models import AgendaItem
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import Body, Membership, Person
from tests.conftest import World, member, person
from workflows.engine import fire


@dataclass
class Forum:
    body: Body
    chair: Person
    world: World

    def in_session(self, *items: AgendaItem) -> Meeting:
        """Return a meeting of the forum with the items on it, everyone present, in session."""
        w = self.world
        meeting = w.meeting(self.body)
        for item in items:
            fire(item, "schedule", actor=w.coordinator, meeting=meeting.pk)
        fire(meeting, "convene", actor=w.coordinator)
        for who in (self.chair, w.cluster_member):
            attendance_record(meeting=meeting, person=who, status="present", actor=w.coordinator)
        fire(meeting, "open", actor=self.chair)
        for item in items:
            item.refresh_from_db()
        return meeting


def build_forum(world: World) -> Forum:
    """Create the forum: a chair of Roeselare, the cluster member for Tielt."""
    body = Body.objects.create(
        region=world.region, kind=Body.Kind.FORUM, name="OCMW-voorzittersoverleg", code="OCMW-VZ"
    )
    roeselare, tielt, _izegem = world.municipalities
    chair = person("forumchair", world.region, municipality=roeselare)
    member(chair, body, Membership.Role.CHAIR, roeselare)
    member(world.cluster_member, body, Membership.Role.MEMBER, tielt)
    return Forum(body=body, chair=chair, world=world)
