"""The web pages: who sees what, what each form does with good and bad input, in Dutch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.followup.models import Action
from backend.meetings.models import Attendance
from backend.organisations.models import Membership
from tests.conftest import World
from tests.web.pages import signed_in, text
from workflows.engine import fire

pytestmark = pytest.mark.django_db


# --- Sign-in ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(world: World) -> None:
    answer = Client().get("/")
    assert answer.status_code == 302
    assert answer["Location"] == "/aanmelden/?next=/"
    page = Client().get("/aanmelden/")
    assert page.status_code == 200
    assert 'lang="nl-be"' in text(page) and "Aanmelden" in text(page)


def test_signing_in_lands_on_my_work(world: World) -> None:
    client = Client()
    answer = client.post("/aanmelden/", {"username": "author", "password": "pw"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Mijn werk" in text(home)


def test_a_wrong_password_gets_a_clear_dutch_message(world: World) -> None:
    answer = Client().post("/aanmelden/", {"username": "author", "password": "fout"})
    assert answer.status_code == 400
    assert "Gebruikersnaam of wachtwoord is niet juist." in text(answer)
    assert "_auth_user_id" not in Client().session


def test_repeated_failures_pause_the_sign_in_even_with_the_right_password(world: World) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/aanmelden/", {"username": "author", "password": "fout"})
    answer = client.post("/aanmelden/", {"username": "author", "password": "pw"})
    assert answer.status_code == 429
    assert "Te veel mislukte aanmeldingen" in text(answer)
    assert client.get("/").status_code == 302


def test_an_empty_sign_in_form_names_the_missing_fields(world: World) -> None:
    answer = Client().post("/aanmelden/", {"username": "", "password": ""})
    assert answer.status_code == 400
    assert text(answer).count("Dit veld is vereist.") == 2


def test_the_next_address_never_leads_off_the_site(world: World) -> None:
    answer = Client().post(
        "/aanmelden/", {"username": "author", "password": "pw", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/"
    inside = Client().post(
        "/aanmelden/", {"username": "author", "password": "pw", "next": "/punten/"}
    )
    assert inside["Location"] == "/punten/"


def test_signing_out_needs_a_post_and_ends_the_session(world: World) -> None:
    client = signed_in(world.author)
    assert client.get("/afmelden/").status_code == 405
    assert client.post("/afmelden/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_english_switch_shows_the_pages_in_english(world: World) -> None:
    client = signed_in(world.author)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My work" in text(client.get("/"))


# --- Mijn werk -------------------------------------------------------------------------


def test_my_work_shows_what_waits_for_each_person(world: World) -> None:
    draft = world.item(title="Gedeelde preventieadviseur")
    submitted = world.item(title="Regionaal fietsplan")
    fire(submitted, "submit", actor=world.author)
    author = text(signed_in(world.author).get("/"))
    assert "Gedeelde preventieadviseur" in author  # the author submits the draft
    chair = text(signed_in(world.group_chair).get("/"))
    assert "Regionaal fietsplan" in chair  # the chair starts its preparation
    mayor = text(signed_in(world.cluster_member).get("/"))
    assert "Regionaal fietsplan" not in mayor  # still in the group, not the cluster's work
    assert draft.title not in text(signed_in(world.stranger).get("/"))


def test_my_work_lists_my_actions_and_my_municipality_s_ratifications(
    world: World, decided: object
) -> None:
    page = text(signed_in(world.dvv).get("/"))
    assert "Routes intekenen in het GIS" in page
    mayor = text(signed_in(world.cluster_chair).get("/"))  # Roeselare, concerned
    assert decided.item.decision.number in mayor  # type: ignore[attr-defined]


def test_my_work_costs_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    for number in range(12):
        fire(world.item(title=f"Punt {number}"), "submit", actor=world.author)
    client = signed_in(world.group_chair)
    client.get("/")
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        assert client.get("/").status_code == 200


# --- Agenda items ----------------------------------------------------------------------


def test_a_director_drafts_an_item_with_the_form(world: World) -> None:
    client = signed_in(world.author)
    answer = client.post(
        "/punten/nieuw/",
        {
            "title": "Gezamenlijke aankoop van laadpalen",
            "kind": "decision",
            "intervision_group": world.group.pk,
            "target_cluster": world.cluster.pk,
            "rationale": "Samen kopen is goedkoper.",
            "proposed_decision": "De cluster keurt de aankoop goed.",
            "municipalities": [m.pk for m in world.municipalities[:2]],
        },
    )
    item = AgendaItem.objects.get(title="Gezamenlijke aankoop van laadpalen")
    assert answer.status_code == 302 and answer["Location"] == f"/punten/{item.pk}/"
    assert item.state == "draft" and item.author == world.author
    assert set(item.municipalities.all()) == set(world.municipalities[:2])
    detail = text(client.get(answer["Location"]))
    assert "Indienen bij de intervisiegroep" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Dit veld is vereist."),
        ({"title": "x" * 251}, "niet meer dan 250 tekens"),
        ({"kind": "poem"}, "Selecteer een geldige keuze."),
        ({"intervision_group": "999999"}, "Selecteer een geldige keuze."),
        ({"intervision_group": "een"}, "Selecteer een geldige keuze."),
        ({"municipalities": ["999999"]}, "Selecteer een geldige keuze."),
        ({"rationale": "x" * 100_001}, "niet meer dan 100000 tekens"),
    ],
)
def test_bad_input_in_the_item_form_gets_dutch_field_errors_and_writes_nothing(
    world: World, data: dict[str, object], message: str
) -> None:
    valid = {
        "title": "Een punt",
        "kind": "decision",
        "intervision_group": world.group.pk,
        "target_cluster": world.cluster.pk,
    }
    before = AgendaItem.objects.count()
    answer = signed_in(world.author).post("/punten/nieuw/", {**valid, **data})
    assert answer.status_code == 400
    assert message in text(answer)
    assert AgendaItem.objects.count() == before


def test_a_group_of_another_person_s_region_is_not_offered(world: World) -> None:
    page = text(signed_in(world.author).get("/punten/nieuw/"))
    assert world.group.name in page and world.cluster.name in page
    assert signed_in(world.cluster_member).get("/punten/nieuw/").status_code == 403


def test_an_edit_from_a_stale_version_is_refused_and_nothing_is_overwritten(world: World) -> None:
    item = world.item(title="Oude titel")
    client = signed_in(world.author)
    form = {
        "title": "Nieuwe titel",
        "kind": "decision",
        "intervision_group": world.group.pk,
        "target_cluster": world.cluster.pk,
        "version": item.version,
    }
    AgendaItem.objects.filter(pk=item.pk).update(
        title="Titel van een collega", version=item.version + 1
    )
    answer = client.post(f"/punten/{item.pk}/bewerken/", form)
    assert answer.status_code == 400
    assert "Iemand anders wijzigde dit punt intussen" in text(answer)
    assert AgendaItem.objects.get(pk=item.pk).title == "Titel van een collega"
    form["version"] = item.version + 1
    assert client.post(f"/punten/{item.pk}/bewerken/", form).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).title == "Nieuwe titel"


def test_someone_who_may_not_edit_is_sent_back_with_the_reason(world: World) -> None:
    item = world.prepared_item()
    client = signed_in(world.cluster_member)
    answer = client.get(f"/punten/{item.pk}/bewerken/")
    assert answer.status_code == 302 and answer["Location"] == f"/punten/{item.pk}/"
    assert "U mag dit agendapunt nu niet wijzigen." in text(client.get(answer["Location"]))
    posted = client.post(f"/punten/{item.pk}/bewerken/", {"title": "Gekaapt"})
    assert posted.status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).title != "Gekaapt"


@pytest.mark.parametrize("persona", ["stranger", "dvv", "cluster_member"])
def test_a_confidential_item_does_not_exist_for_who_may_not_see_it(
    world: World, persona: str
) -> None:
    item = world.item(title="Personeelsdossier", confidential=True)
    client = signed_in(getattr(world, persona))
    for url in (f"/punten/{item.pk}/", f"/punten/{item.pk}/bewerken/"):
        assert client.get(url).status_code == 404
    answer = client.post(f"/overgang/item/{item.pk}/submit/")
    assert answer.status_code == 404
    assert "Personeelsdossier" not in text(client.get("/punten/"))
    assert AgendaItem.objects.get(pk=item.pk).state == "draft"


def test_the_item_page_shows_its_path_decision_and_ratifications(
    world: World, decided: object
) -> None:
    page = text(signed_in(world.coordinator).get(f"/punten/{decided.item.pk}/"))  # type: ignore[attr-defined]
    assert "Afgelegde weg" in page
    assert "Indienen bij de intervisiegroep" in page  # the first step of the path
    assert decided.item.decision.number in page  # type: ignore[attr-defined]
    assert "Roeselare" in page and "Bekrachtigingen" in page


# --- Transitions -----------------------------------------------------------------------


def test_the_author_submits_from_the_page_through_the_workflow(world: World) -> None:
    item = world.item()
    client = signed_in(world.author)
    answer = client.post(f"/overgang/item/{item.pk}/submit/", {"comment": "Klaar"})
    assert answer.status_code == 302 and answer["Location"] == f"/punten/{item.pk}/"
    item.refresh_from_db()
    assert item.state == "submitted"
    log = TransitionLog.objects.for_object(item).get()
    assert (log.transition, log.actor, log.comment) == ("submit", world.author, "Klaar")


def test_a_refused_step_says_why_in_dutch_and_changes_nothing(world: World) -> None:
    item = world.item(rationale="")
    client = signed_in(world.author)
    answer = client.post(f"/overgang/item/{item.pk}/submit/", follow=True)
    assert "Geef een motivering." in text(answer) or "motivering" in text(answer).lower()
    item.refresh_from_db()
    assert item.state == "draft"
    assert not TransitionLog.objects.for_object(item).exists()


def test_a_refusal_comes_back_beside_the_button_with_htmx(world: World) -> None:
    item = world.item(rationale="")
    answer = signed_in(world.author).post(
        f"/overgang/item/{item.pk}/submit/", HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    assert 'role="alert"' in text(answer) and "<html" not in text(answer)
    assert AgendaItem.objects.get(pk=item.pk).state == "draft"


def test_a_step_the_person_may_not_take_is_refused(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    answer = signed_in(world.author).post(
        f"/overgang/item/{item.pk}/schedule/", {"meeting": meeting.pk}, follow=True
    )
    assert answer.status_code == 200
    assert '<li class="error">U hebt geen toestemming om dit te doen.</li>' in text(answer)
    assert AgendaItem.objects.get(pk=item.pk).state == "prepared"


@pytest.mark.parametrize(
    "url", ["/overgang/poem/1/submit/", "/overgang/item/999999/submit/", "/overgang/item/1/fly/"]
)
def test_an_unknown_kind_object_or_step_is_not_found(world: World, url: str) -> None:
    world.item()
    assert signed_in(world.author).post(url).status_code == 404


def test_a_get_on_a_step_is_refused(world: World) -> None:
    item = world.item()
    assert signed_in(world.author).get(f"/overgang/item/{item.pk}/submit/").status_code == 405


def test_the_chair_records_a_vote_per_municipality_from_the_meeting_page(world: World) -> None:
    item = world.prepared_item(title="Regionale woonwijzer")
    meeting = world.meeting_in_session(item)
    client = signed_in(world.cluster_chair)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Goedkeuren" in page and "Regionale woonwijzer" in page
    roeselare, tielt = world.municipalities[:2]
    answer = client.post(
        f"/overgang/item/{item.pk}/approve/",
        {
            "text": "De cluster keurt de woonwijzer goed.",
            "mode": "votes",
            f"vote_{roeselare.pk}": "for",
            f"vote_{tielt.pk}": "abstain",
            "next": f"/vergaderingen/{meeting.pk}/",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"/vergaderingen/{meeting.pk}/"
    decision = Decision.objects.get(item=item)
    assert decision.text == "De cluster keurt de woonwijzer goed." and not decision.consensus
    assert dict(decision.votes.values_list("municipality__name", "vote")) == {
        "Roeselare": "for",
        "Tielt": "abstain",
    }


def test_a_vote_left_open_is_refused_naming_the_municipality_and_keeping_the_rest(
    world: World,
) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    roeselare, tielt = world.municipalities[:2]
    answer = signed_in(world.cluster_chair).post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "Goed.", "mode": "votes", f"vote_{roeselare.pk}": "for"},
        HTTP_HX_REQUEST="true",
    )
    page = text(answer)
    field = f"item-{item.pk}-approve-votes-{tielt.pk}"
    # One line, naming the municipality, in the summary that links to its field; the same
    # words beside the field; Roeselare's vote and the text are kept.
    assert page.count("Tielt: kies voor, tegen of onthouding.") == 2
    assert f'<a href="#{field}">Tielt: kies voor, tegen of onthouding.</a>' in page
    assert f'id="{field}" name="vote_{tielt.pk}" aria-invalid="true"' in page
    assert "Roeselare: kies" not in page and "(for)" not in page
    assert 'value="for" selected' in page and ">Goed.</textarea>" in page
    assert "data-error-summary" in page
    assert not Decision.objects.filter(item=item).exists()
    assert meeting.entries.get().outcome == "pending"


def test_approving_is_not_shown_as_a_danger_but_rejecting_is(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting_in_session(item)
    page = text(signed_in(world.cluster_chair).get(f"/vergaderingen/{meeting.pk}/"))
    approve = page[page.index(f'id="slot-item-{item.pk}-approve"') :]
    approve = approve[: approve.index("</form>")]
    reject = page[page.index(f'id="slot-item-{item.pk}-reject"') :]
    reject = reject[: reject.index("</form>")]
    assert 'class="danger"' not in approve and 'class="danger"' in reject


def test_the_meeting_page_shows_the_tally_of_a_vote(world: World) -> None:
    item = world.prepared_item(title="Regionale woonwijzer")
    meeting = world.meeting_in_session(item)
    roeselare, tielt = world.municipalities[:2]
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="Goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "abstain"},
        ],
    )
    page = text(signed_in(world.cluster_member).get(f"/vergaderingen/{meeting.pk}/"))
    assert "Uitslag: 1 stem voor · 0 stemmen tegen · 1 onthouding" in page


# --- Meetings --------------------------------------------------------------------------


def test_the_meeting_list_and_page_show_the_agenda(world: World) -> None:
    item = world.prepared_item(title="Regionaal fietsroutenetwerk")
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    client = signed_in(world.cluster_member)
    assert world.cluster.name in text(client.get("/vergaderingen/"))
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Regionaal fietsroutenetwerk" in page
    assert reverse("v1:meeting-ics", args=[meeting.pk]) in page
    assert signed_in(world.stranger).get(f"/vergaderingen/{meeting.pk}/").status_code == 404


def test_attendance_is_recorded_and_the_quorum_follows(world: World) -> None:
    item = world.prepared_item()
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    client = signed_in(world.coordinator)
    url = f"/vergaderingen/{meeting.pk}/aanwezigheid/"
    first = client.post(
        url, {"person": world.cluster_chair.pk, "status": "present"}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200 and "Nog geen quorum." in text(first)
    second = client.post(
        url, {"person": world.cluster_member.pk, "status": "present"}, HTTP_HX_REQUEST="true"
    )
    assert "Quorum bereikt." in text(second)
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 2


@pytest.mark.parametrize(
    "data",
    [{"person": "", "status": "present"}, {"person": "1", "status": "asleep"}, {"person": "x"}],
)
def test_bad_attendance_input_is_answered_in_dutch(world: World, data: dict[str, str]) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/aanwezigheid/", data, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200 and 'role="alert"' in text(answer)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_non_member_or_a_member_who_does_not_run_it_records_nothing(world: World) -> None:
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    url = f"/vergaderingen/{meeting.pk}/aanwezigheid/"
    outsider = signed_in(world.coordinator).post(url, {"person": world.dvv.pk, "status": "present"})
    assert outsider.status_code == 302
    member = signed_in(world.cluster_member).post(
        url, {"person": world.cluster_member.pk, "status": "present"}
    )
    assert member.status_code == 302
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_help_page_draws_the_four_machines(world: World) -> None:
    page = text(signed_in(world.author).get("/hulp/"))
    assert page.count("stateDiagram-v2") == 4
    assert "mermaid.min.js" in page and "Indienen bij de intervisiegroep" in page
    # The diagrams themselves speak Dutch: the states and steps by the pages' names.
    assert "state &quot;ingediend&quot; as submitted" in page
    assert "draft --&gt; submitted: Indienen bij de intervisiegroep" in page
    assert "--&gt; submitted: submit" not in page


def test_an_unknown_page_is_a_dutch_404(world: World) -> None:
    answer = signed_in(world.author).get("/bestaat-niet/")
    assert answer.status_code == 404 and "Niet gevonden" in text(answer)


def test_the_pages_speak_dutch_to_an_english_browser_until_the_switch(world: World) -> None:
    client = signed_in(world.author)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Mijn werk" in text(page) and page["Content-Language"] == "nl-be"
    api = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 200 and api["Content-Language"] == "en"


# --- The coordinator's overview ----------------------------------------------------------


def test_the_overview_shows_items_board_and_matrix_to_the_coordinator(
    world: World, decided: object
) -> None:
    world.item(title="Nog een ontwerp")
    page = text(signed_in(world.coordinator).get("/overzicht/"))
    assert "De regio in één oogopslag" in page
    assert world.group.name in page and "Nog een ontwerp" in page
    assert "Routes intekenen in het GIS" in page  # the follow-up board
    number = decided.decision.number  # type: ignore[attr-defined]
    assert number in page and 'class="cell cell-pending"' in page
    assert f'href="/punten/{decided.item.pk}/#ratifications"' in page  # type: ignore[attr-defined]
    # a cell names its municipality, state and age in Dutch, for the eye and the screen
    # reader, and shows the days it waits
    town = world.municipalities[0].name
    assert f'title="{town}: in afwachting sinds 0 dagen"' in page
    assert f'<span class="visually-hidden">{town}: in afwachting sinds 0 dagen</span>' in page
    assert '<span aria-hidden="true">0d</span>' in page


def test_the_overview_top_line_counts_what_is_late(world: World, decided: object) -> None:
    Action.objects.create(
        item=decided.item,  # type: ignore[attr-defined]
        title="Te laat",
        service=world.service,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    # Noon, 45 local days ago: the age is counted in the region's calendar days, whatever
    # the hour the test runs at and whichever side of a change of clocks the day falls.
    noon = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=45), dt.time(12))
    Decision.objects.filter(pk=decided.decision.pk).update(  # type: ignore[attr-defined]
        decided_at=timezone.make_aware(noon)
    )
    fire(decided.meeting, "close", actor=world.cluster_chair)  # type: ignore[attr-defined]
    page = text(signed_in(world.coordinator).get("/overzicht/"))
    top = page[page.index('class="top-line"') : page.index("</ul>", page.index('class="top-line"'))]
    assert "<strong>1</strong> acties over hun datum" in top
    assert "<strong>2</strong> bekrachtigingen die te lang wachten" in top
    assert "<strong>1</strong> notulen wachten op goedkeuring" in top
    assert f'href="/vergaderingen/{decided.meeting.pk}/"' in page  # type: ignore[attr-defined]
    assert "sinds 45 dagen" in page


def test_an_overdue_action_comes_first_on_the_board(world: World, decided: object) -> None:
    late = Action.objects.create(
        item=decided.item,  # type: ignore[attr-defined]
        title="Te laat ingediend dossier",
        service=world.service,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    page = text(signed_in(world.coordinator).get("/overzicht/"))
    assert page.index(late.title) < page.index("Routes intekenen in het GIS")
    assert "te laat" in page


@pytest.mark.parametrize("persona", ["author", "cluster_chair", "dvv"])
def test_the_overview_is_refused_to_everyone_but_the_coordinator(
    world: World, persona: str
) -> None:
    answer = signed_in(getattr(world, persona)).get("/overzicht/")
    assert answer.status_code == 403
    assert "Niet toegestaan" in text(answer)


def test_another_region_s_coordinator_sees_nothing_of_this_region(
    world: World, decided: object
) -> None:
    page = text(signed_in(world.stranger).get("/overzicht/"))
    assert decided.decision.number not in page  # type: ignore[attr-defined]
    assert "Routes intekenen in het GIS" not in page and world.group.name not in page


def test_the_overview_costs_a_bounded_number_of_queries(
    world: World, decided: object, django_assert_max_num_queries: object
) -> None:
    for number in range(10):
        world.item(title=f"Punt {number}")
    client = signed_in(world.coordinator)
    client.get("/overzicht/")
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get("/overzicht/").status_code == 200


def test_the_coordinator_reorders_a_planned_agenda_and_switches_a_session(world: World) -> None:
    meeting = world.meeting()
    first, second = world.prepared_item(title="Eerste"), world.prepared_item(title="Tweede")
    for item in (first, second):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    entry = meeting.entries.get(item=second)
    client = signed_in(world.coordinator)
    url = f"/vergaderingen/{meeting.pk}/agenda/"
    assert client.post(url, {"entry": entry.pk, "move": "up"}).status_code == 302
    assert list(meeting.entries.order_by("position").values_list("item__title", flat=True)) == [
        "Tweede",
        "Eerste",
    ]
    client.post(url, {"entry": entry.pk, "move": "session"})
    assert meeting.entries.get(pk=entry.pk).session == "closed"
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert "Naar de openbare zitting" in page


def test_the_agenda_cannot_be_reordered_by_a_member_or_once_convened(world: World) -> None:
    meeting = world.meeting()
    first, second = world.prepared_item(title="Eerste"), world.prepared_item(title="Tweede")
    for item in (first, second):
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    entry = meeting.entries.get(item=second)
    url = f"/vergaderingen/{meeting.pk}/agenda/"
    refused = signed_in(world.cluster_member).post(
        url, {"entry": entry.pk, "move": "up"}, follow=True
    )
    assert "U hebt geen toestemming om dit te doen." in text(refused)
    fire(meeting, "convene", actor=world.coordinator)
    frozen = signed_in(world.coordinator).post(url, {"entry": entry.pk, "move": "up"}, follow=True)
    assert "De agenda ligt vast zodra de vergadering bijeengeroepen is." in text(frozen)
    assert meeting.entries.get(pk=entry.pk).position == 2
    assert (
        signed_in(world.coordinator).post(url, {"entry": "99999", "move": "up"}).status_code == 404
    )


def test_a_cluster_chair_in_no_group_saves_an_edit_of_a_prepared_item(world: World) -> None:
    item = world.prepared_item(title="Oud")
    client = signed_in(world.cluster_chair)
    answer = client.post(
        f"/punten/{item.pk}/bewerken/",
        {
            "title": "Nieuw",
            "kind": item.kind,
            "intervision_group": item.intervision_group_id,
            "target_cluster": item.target_cluster_id,
            "version": item.version,
        },
    )
    assert answer.status_code == 302, text(answer)[:500]
    assert AgendaItem.objects.get(pk=item.pk).title == "Nieuw"


def test_attendance_of_a_member_with_an_earlier_term_is_recorded(world: World) -> None:
    Membership.objects.filter(person=world.cluster_member, body=world.cluster).update(
        start_date=dt.date(2025, 1, 1)
    )
    Membership.objects.create(
        body=world.cluster,
        person=world.cluster_member,
        role="member",
        municipality=world.municipalities[1],
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2024, 12, 31),
    )
    meeting = world.meeting()
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    answer = signed_in(world.coordinator).post(
        f"/vergaderingen/{meeting.pk}/aanwezigheid/",
        {"person": world.cluster_member.pk, "status": "present"},
    )
    assert answer.status_code == 302
    assert Attendance.objects.filter(meeting=meeting, person=world.cluster_member).exists()


def test_an_item_step_posted_against_a_meeting_is_not_found(world: World) -> None:
    meeting = world.meeting_in_session(world.prepared_item())
    answer = signed_in(world.cluster_chair).post(
        f"/overgang/meeting/{meeting.pk}/approve/", {"mode": "votes", "text": "x"}
    )
    assert answer.status_code == 404


def test_a_broken_excerpt_template_is_explained_not_a_server_error(
    world: World, decided: object, settings: object, tmp_path: Path
) -> None:
    (tmp_path / "uittreksel.docx").write_bytes(b"not a word file")
    settings.DOCS_TEMPLATES_DIR = tmp_path  # type: ignore[attr-defined]
    client = signed_in(world.coordinator)
    item = decided.item  # type: ignore[attr-defined]
    answer = client.get(f"/punten/{item.pk}/uittreksels.zip", follow=True)
    assert answer.status_code == 200
    assert "uittreksel.docx" in text(answer)


def test_a_group_member_edits_a_draft_but_cannot_switch_off_confidentiality(
    world: World,
) -> None:
    item = world.item(title="Oud", confidential=True)
    client = signed_in(world.group_member)
    form = text(client.get(f"/punten/{item.pk}/bewerken/"))
    assert "Alleen de indiener, de voorzitter van de intervisiegroep" in form
    answer = client.post(
        f"/punten/{item.pk}/bewerken/",
        {
            "title": "Nieuw",
            "kind": item.kind,
            "intervision_group": item.intervision_group_id,
            "target_cluster": world.other_cluster.pk,
            "rationale": item.rationale,
            "proposed_decision": item.proposed_decision,
            "municipalities": [m.pk for m in item.municipalities.all()],
            "version": item.version,
        },
    )
    assert answer.status_code == 302, text(answer)[:500]
    item.refresh_from_db()
    assert (item.title, item.confidential, item.target_cluster) == ("Nieuw", True, world.cluster)
    (edit,) = TransitionLog.objects.for_object(item).filter(kind="edit")
    assert edit.params["fields"] == ["title"]


def test_noting_is_offered_for_information_items_and_deciding_for_the_others(
    world: World,
) -> None:
    decision = world.prepared_item(title="Te beslissen")
    information = world.prepared_item(title="Ter info", kind="information")
    meeting = world.meeting_in_session(decision, information)
    page = text(signed_in(world.cluster_chair).get(f"/vergaderingen/{meeting.pk}/"))
    assert f'id="slot-item-{decision.pk}-approve"' in page
    assert f'id="slot-item-{decision.pk}-take_note"' not in page
    assert f'id="slot-item-{information.pk}-take_note"' in page
    assert f'id="slot-item-{information.pk}-approve"' not in page
