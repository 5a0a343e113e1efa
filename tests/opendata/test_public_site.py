"""The public site a citizen reads without signing in: the front page, the bodies, the
meetings with their documents, a page per decision, the search with its filters, the Atom
feeds, the sitemap and the Word downloads. What is confidential or was treated in closed
session appears nowhere."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.agenda.models import Decision
from backend.documents.models import GeneratedDocument
from backend.meetings.models import Meeting
from backend.opendata.public import public_votes
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# What the closed-session and confidential entries of the fixture carry.
HIDDEN = ("Personeelsdossier", "Vertrouwelijk besluit", "perceelruil", "Ruil aanvaard")


def page(path: str, status: int = 200) -> str:
    answer = Client().get(path)
    assert answer.status_code == status, (path, answer.status_code)
    return answer.content.decode()


def shows_nothing_hidden(text: str) -> None:
    for word in HIDDEN:
        assert word not in text, word


def without_the_form(html: str) -> str:
    """The page without the search form, which shows back what was typed."""
    return re.sub(r'<form class="search".*?</form>', "", html, flags=re.S)


def public_paths(site: SimpleNamespace) -> list[str]:
    return [
        "/open/",
        "/open/besluiten/",
        f"/open/organen/{site.world.cluster.pk}/",
        f"/open/organen/{site.board.pk}/",
        f"/open/zittingen/{site.meeting.pk}/",
        f"/open/zittingen/{site.board_meeting.pk}/",
        f"/open/zittingen/{site.coming.pk}/",
        f"/open/besluiten/{site.voted.decision.pk}/",
        f"/open/besluiten/{site.forwarded.decision.pk}/",
        f"/open/besluiten/{site.successor.decision.pk}/",
    ]


# --- Pages ---------------------------------------------------------------------------


def test_the_front_page_reads_like_a_newspaper(site: SimpleNamespace) -> None:
    html = page("/open/")
    assert "Wat de regio beslist" in html and "Laatste besluiten" in html
    assert f'href="/open/besluiten/{site.voted.decision.pk}/"' in html
    assert f'href="/open/zittingen/{site.coming.pk}/"' in html  # a coming meeting
    assert "agenda gepubliceerd" in html and "notulen gepubliceerd" in html
    assert f'href="/open/organen/{site.board.pk}/"' in html
    # The masthead leads to the public front page, not to the sign-in page.
    assert re.search(r'<a class="brand" href="/open/">', html)
    assert "bijeengeroepen" not in html
    shows_nothing_hidden(html)


@pytest.mark.parametrize("index", range(10))
def test_no_public_page_shows_a_closed_or_confidential_entry(
    site: SimpleNamespace, index: int
) -> None:
    path = public_paths(site)[index]
    html = page(path)
    shows_nothing_hidden(html)
    assert '/aanmelden/">Midwest' not in html
    for word in ("bijeengeroepen", "in zitting", "gesloten"):
        assert f">{word}<" not in html, (path, word)


def test_the_meeting_page_has_the_agenda_its_outcomes_and_documents(site: SimpleNamespace) -> None:
    html = page(f"/open/zittingen/{site.meeting.pk}/")
    assert "notulen gepubliceerd" in html
    for text in (
        "Regionaal fietsroutenetwerk",
        "Stand van zaken woonbeleid",
        "Kennisgenomen",
        "Uitgesteld",
        "2 stemmen voor",
        "1 stem tegen",
        "0 onthoudingen",
        "Izegem vraagt een extra fietsstraat.",  # the minutes are approved: the discussion
    ):
        assert text in html, text
    assert f'href="/open/besluiten/{site.voted.decision.pk}/"' in html
    for kind in ("agenda", "besluitenlijst", "notulen"):
        assert f'href="/open/zittingen/{site.meeting.pk}/{kind}.docx"' in html
        assert f'href="/open/zittingen/{site.meeting.pk}/{kind}.jsonld"' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None and json.loads(block.group(1))["@graph"]


def test_a_meeting_whose_minutes_are_not_approved_shows_no_discussion(
    site: SimpleNamespace,
) -> None:
    html = page(f"/open/zittingen/{site.board_meeting.pk}/")
    assert "besluiten gepubliceerd" in html
    assert "besluitenlijst.docx" in html and "notulen.docx" not in html


def test_a_coming_meeting_shows_its_agenda_and_no_outcome(site: SimpleNamespace) -> None:
    html = page(f"/open/zittingen/{site.coming.pk}/")
    assert "agenda gepubliceerd" in html and "Toekomstig fietsplan" in html
    assert "agenda.docx" in html and "besluitenlijst.docx" not in html
    assert "Goedgekeurd" not in html


def test_the_decision_page_tells_the_whole_decision(site: SimpleNamespace) -> None:
    decision = site.voted.decision
    html = page(f"/open/besluiten/{decision.pk}/")
    for text in (
        "Regionaal fietsroutenetwerk",
        decision.number,
        "Goedgekeurd",
        "Veilige fietsverbindingen tussen de kernen van de regio.",  # the rationale
        "De cluster keurt het fietsroutenetwerk goed.",  # the decision text
        "2 stemmen voor",
        "Hoe elke gemeente stemde",
        "Betrokken gemeenten",
        "Ruimte en mobiliteit",
        "Intervisiegroep RO en mobiliteit",  # the road starts in the group
    ):
        assert text in html, text
    votes = re.search(r'<table class="votes">(.*?)</table>', html, re.S)
    assert votes is not None
    assert re.search(r"<td>Izegem</td><td>tegen</td>", votes.group(1))
    assert re.search(r"<td>Roeselare</td><td>voor</td>", votes.group(1))
    assert f'href="/open/zittingen/{site.meeting.pk}/besluitenlijst.docx"' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None and f"/id/besluiten/{decision.pk}" in block.group(1)


def test_the_road_follows_the_decision_through_the_bodies(site: SimpleNamespace) -> None:
    html = page(f"/open/besluiten/{site.successor.decision.pk}/")
    road = re.search(r'<ol class="road">(.*?)</ol>', html, re.S)
    assert road is not None
    stops = re.findall(r"<li[^>]*>(.*?)</li>", road.group(1), re.S)
    places = [re.sub(r"<[^>]+>", "", stop).split("\n")[1].strip() for stop in stops]
    assert places == [
        "Intervisiegroep RO en mobiliteit",
        "Ruimte en mobiliteit",
        "Dagelijks bestuur",
    ]
    assert f'href="/open/besluiten/{site.forwarded.decision.pk}/"' in road.group(1)
    assert "Bij consensus beslist." in html


def test_a_secret_vote_shows_the_counts_only(
    site: SimpleNamespace, secret_vote: SimpleNamespace
) -> None:
    open_vote = public_votes(site.voted.decision)
    assert (open_vote.votes_for, open_vote.against, open_vote.abstain) == (2, 1, 0)
    assert ("Izegem", "tegen") in open_vote.by_municipality
    decision = Decision.objects.get(item=secret_vote.item)
    secret = public_votes(decision)
    assert secret.secret and secret.by_municipality == ()
    assert (secret.votes_for, secret.against, secret.abstain) == (2, 1, 0)
    html = page(f"/open/besluiten/{decision.pk}/")
    assert "2 stemmen voor" in html and "geheime stemming" in html
    assert '<table class="votes">' not in html
    for town in ("Roeselare", "Tielt", "Izegem"):
        assert f"<td>{town}</td>" not in html


@pytest.mark.parametrize("which", ["secret", "closed"])
def test_a_confidential_or_closed_session_decision_has_no_page(
    site: SimpleNamespace, which: str
) -> None:
    decision = getattr(site, which).decision
    page(f"/open/besluiten/{decision.pk}/", 404)


def test_a_decision_is_not_public_before_its_meeting_is_closed(world: World) -> None:
    item = world.prepared_item(title="Regionale woonwijzer")
    meeting = world.meeting_in_session(item)
    fire(item, "approve", actor=world.cluster_chair, text="Geheim tot de sluiting.", consensus=True)
    item.refresh_from_db()
    page(f"/open/besluiten/{item.decision.pk}/", 404)
    assert "vergadering bezig" in page(f"/open/zittingen/{meeting.pk}/")
    assert "Geheim tot de sluiting" not in page("/open/besluiten/?q=woonwijzer")


def test_the_body_page_lists_its_meetings_by_year_and_page(site: SimpleNamespace) -> None:
    cluster = site.world.cluster
    html = page(f"/open/organen/{cluster.pk}/")
    assert f'href="/open/zittingen/{site.meeting.pk}/"' in html
    assert f'href="/open/zittingen/{site.coming.pk}/"' in html
    assert f'href="/open/organen/{cluster.pk}/feed/"' in html
    # Many meetings of one year: twenty to a page, the rest on the next.
    template = Meeting.objects.get(pk=site.coming.pk)
    for _ in range(21):
        Meeting.objects.create(
            body=cluster,
            starts_at=template.starts_at,
            submission_deadline=template.submission_deadline,
        )
    Meeting.objects.filter(body=cluster, state="planned").update(state="convened")
    first = page(f"/open/organen/{cluster.pk}/")
    assert "pagina 1 van 2" in first and "pagina=2" in first
    assert "pagina 2 van 2" in page(f"/open/organen/{cluster.pk}/?pagina=2")
    # The board met last year and this year: the year filter shows one at a time.
    board = site.board
    year = site.board_meeting.starts_at.year
    Meeting.objects.create(
        body=board,
        starts_at=template.starts_at,
        submission_deadline=template.submission_deadline,
    )
    Meeting.objects.filter(body=board, state="planned").update(state="convened")
    both = page(f"/open/organen/{board.pk}/")
    assert f"?jaar={year}" in both
    only = page(f"/open/organen/{board.pk}/?jaar={year}")
    assert f'href="/open/zittingen/{site.board_meeting.pk}/"' in only
    assert only.count('href="/open/zittingen/') == 1
    for junk in ("abcd", "99999999999999999999", "%00", "1"):
        assert (
            Client().get(f"/open/organen/{board.pk}/?jaar={junk}&pagina={junk}").status_code == 200
        )
    page("/open/organen/987654321/", 404)


def test_a_planned_meeting_is_not_public(world: World) -> None:
    meeting = world.meeting()
    page(f"/open/zittingen/{meeting.pk}/", 404)
    assert f"/open/zittingen/{meeting.pk}/" not in page(f"/open/organen/{world.cluster.pk}/")


def test_the_old_body_address_leads_to_the_body_page(site: SimpleNamespace) -> None:
    answer = Client().get(f"/open/?orgaan={site.board.pk}")
    assert answer.status_code == 302 and answer["Location"] == f"/open/organen/{site.board.pk}/"
    assert Client().get("/open/?orgaan=99999999999999999999999").status_code == 200


# --- Search --------------------------------------------------------------------------


def results(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/open/besluiten/(\d+)/">', html)


def test_search_finds_a_decision_by_a_word_of_its_title_or_text(site: SimpleNamespace) -> None:
    voted = str(site.voted.decision.pk)
    assert results(page("/open/besluiten/?q=fietsroutenetwerk")) == [voted]
    assert results(page("/open/besluiten/?q=FIETSROUTENETWERK")) == [voted]
    assert results(page("/open/besluiten/?q=keurt+fietsroutenetwerk")) == [voted]
    assert results(page("/open/besluiten/?q=%22fietsroutenetwerk%22")) == [voted]
    assert "consulent aan" in page("/open/besluiten/?q=stelt+consulent")
    assert results(page("/open/besluiten/?q=fietsroutenetwerk+consulent")) == []
    everything = page("/open/besluiten/")
    assert len(results(everything)) == 3 and "Alle openbare besluiten" in everything


@pytest.mark.parametrize(
    "word", ["Personeelsdossier", "Vertrouwelijk", "perceelruil", "Ruil", "Toekomstig"]
)
def test_search_never_finds_what_is_not_public(site: SimpleNamespace, word: str) -> None:
    html = page(f"/open/besluiten/?q={word}")
    assert results(html) == [] and "Geen enkel openbaar besluit komt overeen" in html
    shows_nothing_hidden(without_the_form(html))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"q": '"'}, 200),
        ({"q": "'; DROP TABLE agenda_agendaitem; --"}, 200),
        ({"q": "%"}, 200),
        ({"q": "%%_%"}, 200),
        ({"q": "_"}, 200),
        ({"q": "\\"}, 200),
        ({"q": "fiets" * 40}, 200),
        ({"q": "x" * 201}, 400),
        ({"q": "x" * 10_000}, 400),
        ({"q": "ĳzer 🚲 Ωμέγα 中文 ‮"}, 200),
        ({"q": "a\x00b"}, 400),
        ({"q": " ".join(f"w{n}" for n in range(30))}, 200),  # the first ten count
        ({"orgaan": "abc"}, 400),
        ({"orgaan": "99999999999999999999999999"}, 400),
        ({"orgaan": "-1"}, 400),
        ({"jaar": "abc"}, 400),
        ({"jaar": "1066"}, 400),
        ({"gemeente": "' OR 1=1"}, 400),
        ({"pagina": "abc"}, 200),
        ({"pagina": "99999999999999999999999"}, 200),
        ({"pagina": "-5"}, 200),
    ],
)
def test_hostile_search_input_answers_200_or_400_and_shows_nothing_hidden(
    site: SimpleNamespace, query: dict[str, str], status: int
) -> None:
    answer = Client().get("/open/besluiten/", query)
    assert answer.status_code == status
    html = answer.content.decode()
    shows_nothing_hidden(without_the_form(html))
    if status == 400:
        assert "De zoekopdracht kon niet worden uitgevoerd" in html


@pytest.mark.parametrize(
    "raw", ["q=%ED%A0%80", "q=%FF%FE", "q=a&q=b", "orgaan[]=1", "jaar=2026.5", "gemeente=1e3"]
)
def test_a_malformed_address_answers_200_or_400(site: SimpleNamespace, raw: str) -> None:
    answer = Client().get(f"/open/besluiten/?{raw}")
    assert answer.status_code in (200, 400)
    shows_nothing_hidden(without_the_form(answer.content.decode()))


def test_the_percent_sign_is_searched_as_itself(site: SimpleNamespace) -> None:
    assert results(page("/open/besluiten/?q=%25")) == []
    assert results(page("/open/besluiten/?q=_")) == []


def test_search_filters_by_body_year_and_municipality(site: SimpleNamespace) -> None:
    voted, forwarded = str(site.voted.decision.pk), str(site.forwarded.decision.pk)
    successor = str(site.successor.decision.pk)
    cluster, board = site.world.cluster.pk, site.board.pk
    assert sorted(results(page(f"/open/besluiten/?orgaan={cluster}"))) == sorted([voted, forwarded])
    assert results(page(f"/open/besluiten/?orgaan={board}")) == [successor]
    last_year = site.board_meeting.starts_at.year
    assert results(page(f"/open/besluiten/?jaar={last_year}")) == [successor]
    this_year = site.meeting.starts_at.year
    assert sorted(results(page(f"/open/besluiten/?jaar={this_year}"))) == sorted([voted, forwarded])
    roeselare, _tielt, izegem = site.world.municipalities
    assert results(page(f"/open/besluiten/?gemeente={roeselare.pk}")) == [voted]
    assert sorted(results(page(f"/open/besluiten/?gemeente={izegem.pk}"))) == sorted(
        [forwarded, successor]
    )
    assert results(page(f"/open/besluiten/?gemeente={izegem.pk}&orgaan={board}")) == [successor]
    assert results(page(f"/open/besluiten/?q=fiets&gemeente={izegem.pk}")) == []
    # The filters keep their values on the next page's link.
    html = page(f"/open/besluiten/?orgaan={cluster}")
    assert f'<option value="{cluster}" selected>' in html


def more_decisions(site: SimpleNamespace, count: int) -> None:
    """Add public decisions to the cluster's meeting, each on an item of its own, voted as
    the first one was."""
    decision = site.voted.decision
    entry = site.meeting.entries.get(item=site.voted)
    for number in range(count):
        item = site.world.item(title=f"Fietsenstalling {number}")
        site.meeting.entries.create(item=item, position=100 + number, outcome=entry.outcome)
        copy = Decision.objects.get(pk=decision.pk)
        copy.pk = None
        copy.item = item
        copy.number = f"{decision.number}-{number}"
        copy.save()
        for vote in decision.votes.all():
            copy.votes.create(municipality=vote.municipality, vote=vote.vote)


def test_search_results_come_twenty_to_a_page(site: SimpleNamespace) -> None:
    more_decisions(site, 25)
    first = page("/open/besluiten/?q=fietsenstalling")
    assert "25 besluiten gevonden" in first and len(results(first)) == 20
    assert "q=fietsenstalling&amp;pagina=2" in first
    assert len(results(page("/open/besluiten/?q=fietsenstalling&pagina=2"))) == 5


def test_the_pages_ask_the_same_number_of_queries_however_many_decisions(
    site: SimpleNamespace,
) -> None:
    paths = [
        "/open/",
        f"/open/zittingen/{site.meeting.pk}/",
        f"/open/besluiten/{site.voted.decision.pk}/",
        "/open/besluiten/?q=fiets",
        f"/open/regio/{site.world.region.slug}/feed/",
        "/open/sitemap.xml",
    ]
    client = Client()

    def counts() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    more_decisions(site, 5)
    assert counts() == before


# --- Feeds and sitemap ---------------------------------------------------------------


def atom(path: str) -> ElementTree.Element:
    answer = Client().get(path)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    shows_nothing_hidden(answer.content.decode())
    return ElementTree.fromstring(answer.content)


def entries_of(feed: ElementTree.Element) -> dict[str, str]:
    return {
        entry.findtext(f"{ATOM}title", ""): entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
        for entry in feed.findall(f"{ATOM}entry")
    }


def test_the_region_feed_has_every_public_decision_and_meeting(site: SimpleNamespace) -> None:
    feed = atom(f"/open/regio/{site.world.region.slug}/feed/")
    assert feed.findtext(f"{ATOM}title") == "Midwest: agenda's, besluiten en notulen"
    entries = entries_of(feed)
    links = set(entries.values())
    for decision in (site.voted.decision, site.forwarded.decision, site.successor.decision):
        assert f"http://testserver/open/besluiten/{decision.pk}/" in links
    for meeting in (site.meeting, site.board_meeting, site.coming):
        assert f"http://testserver/open/zittingen/{meeting.pk}/" in links
    assert any("agenda gepubliceerd" in title for title in entries)
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert f"http://127.0.0.1:8000/id/besluiten/{site.voted.decision.pk}" in ids
    assert len(ids) == len(set(ids)) == 6
    assert all(entry.findtext(f"{ATOM}updated") for entry in feed.findall(f"{ATOM}entry"))


def test_a_body_feed_has_that_body_s_entries_only(site: SimpleNamespace) -> None:
    feed = atom(f"/open/organen/{site.board.pk}/feed/")
    links = set(entries_of(feed).values())
    assert links == {
        f"http://testserver/open/besluiten/{site.successor.decision.pk}/",
        f"http://testserver/open/zittingen/{site.board_meeting.pk}/",
    }
    cluster = entries_of(atom(f"/open/organen/{site.world.cluster.pk}/feed/"))
    assert f"http://testserver/open/besluiten/{site.voted.decision.pk}/" in cluster.values()
    assert Client().get("/open/organen/987654321/feed/").status_code == 404
    assert Client().get("/open/regio/bestaat-niet/feed/").status_code == 404


def test_the_sitemap_lists_the_public_pages_only(site: SimpleNamespace) -> None:
    answer = Client().get("/open/sitemap.xml")
    assert answer.status_code == 200
    locations = {node.text for node in ElementTree.fromstring(answer.content).iter(f"{SITEMAP}loc")}
    expected = {f"http://testserver{path}" for path in public_paths(site)}
    assert expected <= locations
    for decision in (site.secret.decision, site.closed.decision):
        assert f"http://testserver/open/besluiten/{decision.pk}/" not in locations
    planned = site.world.meeting()
    again = Client().get("/open/sitemap.xml").content.decode()
    assert f"/open/zittingen/{planned.pk}/" not in again


# --- Downloads -----------------------------------------------------------------------


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def test_a_published_document_downloads_in_its_public_edition(site: SimpleNamespace) -> None:
    meeting = site.meeting
    for name, kind in (
        ("agenda", "agenda"),
        ("besluitenlijst", "decision_list"),
        ("notulen", "minutes"),
    ):
        answer = Client().get(f"/open/zittingen/{meeting.pk}/{name}.docx")
        assert answer.status_code == 200, name
        content = b"".join(answer.streaming_content)
        latest = GeneratedDocument.objects.filter(meeting=meeting, kind=kind, public=True).latest(
            "version"
        )
        assert hashlib.sha256(content).hexdigest() == latest.sha256
        assert "attachment" in answer["Content-Disposition"]
        assert "volledig" not in answer["Content-Disposition"]
        # The meeting had confidential entries: a full edition exists, and is never served.
        full = GeneratedDocument.objects.get(
            meeting=meeting, kind=kind, version=latest.version, public=False
        )
        assert full.sha256 != latest.sha256
        text = docx_text(content)
        assert "Personeelsdossier" not in text and "perceelruil" not in text


def test_the_minutes_download_is_the_approved_version(site: SimpleNamespace) -> None:
    answer = Client().get(f"/open/zittingen/{site.meeting.pk}/notulen.docx")
    versions = GeneratedDocument.objects.filter(meeting=site.meeting, kind="minutes", public=True)
    assert versions.count() == 2  # the draft at closing, the approved one
    assert "-v2.docx" in answer["Content-Disposition"]


@pytest.mark.parametrize(
    ("which", "name"),
    [
        ("board_meeting", "notulen"),  # closed, minutes not approved yet
        ("coming", "besluitenlijst"),  # convened: the agenda only
        ("coming", "notulen"),
        ("meeting", "opvolgingsrapport"),  # never published
        ("meeting", "minutes"),
        ("meeting", "volledig"),
    ],
)
def test_a_document_not_yet_published_is_not_found(
    site: SimpleNamespace, which: str, name: str
) -> None:
    meeting = getattr(site, which)
    assert Client().get(f"/open/zittingen/{meeting.pk}/{name}.docx").status_code == 404


def test_nothing_of_a_planned_or_cancelled_meeting_downloads(site: SimpleNamespace) -> None:
    assert Client().get(f"/open/zittingen/{site.coming.pk}/agenda.docx").status_code == 200
    Meeting.objects.filter(pk=site.coming.pk).update(state="cancelled")
    assert Client().get(f"/open/zittingen/{site.coming.pk}/agenda.docx").status_code == 404
    assert Client().get("/open/zittingen/987654321/agenda.docx").status_code == 404


def test_a_missing_file_is_not_found_rather_than_an_error(site: SimpleNamespace) -> None:
    document = GeneratedDocument.objects.filter(
        meeting=site.coming, kind="agenda", public=True
    ).latest("version")
    document.file.storage.delete(document.file.name)
    assert Client().get(f"/open/zittingen/{site.coming.pk}/agenda.docx").status_code == 404


# --- The demo region -----------------------------------------------------------------


def test_every_public_page_of_the_demo_region_answers(settings: object) -> None:
    """The demo region as `make run` loads it: every body, meeting, decision and document
    of the public site answers, and no confidential or closed-session title shows."""
    from django.core.management import call_command

    from backend.agenda.models import AgendaItem
    from backend.meetings.models import AgendaEntry
    from backend.opendata.public import public_decisions, public_meetings
    from backend.organisations.models import Body, Region

    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("seed_demo", stdout=io.StringIO())
    hidden = set(AgendaItem.objects.filter(confidential=True).values_list("title", flat=True))
    hidden |= set(
        AgendaEntry.objects.filter(session="closed").values_list("item__title", flat=True)
    )
    public_titles = set(
        AgendaEntry.objects.filter(session="public", item__confidential=False).values_list(
            "item__title", flat=True
        )
    )
    hidden -= public_titles  # a title shared with a public item says nothing
    assert hidden, "the demo region holds confidential or closed-session items"
    paths = ["/open/", "/open/besluiten/", "/open/sitemap.xml"]
    paths += [f"/open/regio/{region.slug}/feed/" for region in Region.objects.all()]
    for body in Body.objects.all():
        paths += [f"/open/organen/{body.pk}/", f"/open/organen/{body.pk}/feed/"]
    meetings = list(public_meetings())
    assert meetings
    for meeting in meetings:
        paths.append(f"/open/zittingen/{meeting.pk}/")
    decisions = list(public_decisions())
    assert decisions
    paths += [f"/open/besluiten/{decision.pk}/" for decision in decisions]
    client = Client()
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        text = answer.content.decode()
        for title in hidden:
            assert title not in text, (path, title)
    downloads = 0
    for meeting in meetings:
        for name in ("agenda", "besluitenlijst", "notulen"):
            answer = client.get(f"/open/zittingen/{meeting.pk}/{name}.docx")
            assert answer.status_code in (200, 404)
            if answer.status_code == 200:
                downloads += 1
                text = docx_text(b"".join(answer.streaming_content))
                for title in hidden:
                    assert title not in text, (meeting.pk, name, title)
    assert downloads


def test_the_logo_leads_a_visitor_who_is_not_signed_in_to_the_public_site(world: World) -> None:
    assert '<a class="brand" href="/open/">' in page("/aanmelden/")
    client = Client()
    client.force_login(world.author)
    assert '<a class="brand" href="/">' in client.get("/punten/").content.decode()
