import pytest

from hiwar.accounts.models import User
from hiwar.cli import build_parser, main
from hiwar.demo.loader import DEMO_ADMIN, DEMO_CONVENOR, load_demo
from hiwar.spaces.models import Membership, Space


@pytest.mark.django_db
def test_demo_is_a_realistic_arabic_demo_and_loads_once():
    assert load_demo() is True
    spaces = Space.objects.all()
    assert (
        spaces.count() >= 8
    )  # national process, community of practice, five regional reviews, biosafety series
    assert set(spaces.values_list("template_key", flat=True)) >= {
        "convergence-dialogue",
        "community-of-practice",
        "regional-review",
        "online-discussion-series",
    }
    national = spaces.get(template_key="convergence-dialogue")
    assert national.memberships.count() >= 12
    assert national.seats.exclude(membership=None).count() >= 10
    assert spaces.filter(visibility="closed", kind="community").exists()
    assert User.objects.get(email=DEMO_ADMIN).is_superuser
    assert Membership.objects.get(space=national, user__email=DEMO_CONVENOR).role == "convenor"

    counts = (User.objects.count(), Space.objects.count(), Membership.objects.count())
    assert load_demo() is False
    assert (User.objects.count(), Space.objects.count(), Membership.objects.count()) == counts


@pytest.mark.django_db(transaction=True)
def test_hiwar_demo_no_serve_twice_changes_nothing(capsys):
    assert main(["demo", "--no-serve"]) == 0
    first = (User.objects.count(), Space.objects.count())
    assert "convenor@demo.hiwar.test" in capsys.readouterr().out
    assert main(["demo", "--no-serve"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert (User.objects.count(), Space.objects.count()) == first


def test_cli_knows_its_commands():
    parser = build_parser()
    assert parser.parse_args(["serve", "--port", "9000", "--workers", "3"]).workers == 3
    assert parser.parse_args(["demo", "--no-serve"]).no_serve
    assert parser.parse_args(["manage", "check", "--deploy"]).rest == ["check", "--deploy"]
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--port", "not-a-number"])


@pytest.mark.parametrize(
    "host, port, given, expected",
    [
        ("127.0.0.1", 8731, None, "http://127.0.0.1:8731"),
        ("0.0.0.0", 9000, None, "http://127.0.0.1:9000"),  # noqa: S104
        ("::1", 8000, None, "http://[::1]:8000"),
        ("127.0.0.1", 8731, "https://dialogues.example.org", "https://dialogues.example.org"),
    ],
)
def test_links_in_e_mails_follow_how_hiwar_is_served(host, port, given, expected):
    from hiwar.cli import serving_environment

    environ = {"PATH": "/usr/bin"} | ({"HIWAR_BASE_URL": given} if given else {})
    assert serving_environment(host, port, environ)["HIWAR_BASE_URL"] == expected


@pytest.mark.django_db
def test_the_demo_shows_a_dialogue_with_published_tables(client):
    from hiwar.events.models import AgendaItem, Event, Series
    from hiwar.grouping.models import Composition

    load_demo()
    national = Space.objects.get(template_key="convergence-dialogue")
    dialogue = Event.objects.get(space=national, kind="dialogue")
    assert dialogue.registrations.filter(status="confirmed").count() >= 40
    composition = Composition.objects.get(event=dialogue)
    assert composition.is_published
    for table in composition.tables.prefetch_related("seats"):
        assert [seat.is_facilitator for seat in table.seats.all()].count(True) == 1
    assert Event.objects.filter(space=national, kind="kickoff", end__lt=dialogue.start).exists()
    # C12: the Convergence Action Group meets every two months; A8: the community's monthly follow-up.
    assert Series.objects.filter(space=national, rrule__contains="INTERVAL=2").exists()
    assert Series.objects.filter(
        space__template_key="community-of-practice", rrule__startswith="FREQ=MONTHLY;COUNT"
    ).exists()
    # Seed 004's webinar has questions and answers, not discussion groups.
    assert not AgendaItem.objects.filter(event__kind="webinar", kind="discussion_groups").exists()
    # The home page lists the convergence space among the latest.
    assert national.get_absolute_url() in client.get("/ar/").content.decode()


@pytest.mark.django_db
def test_the_demo_regional_reviews_follow_the_seeds_timeline():
    from datetime import date

    load_demo()
    lac = Space.objects.get(slug="regional-review-latin-america-caribbean").phases.get(key="regional-review")
    assert (lac.planned_start, lac.planned_end) == (date(2024, 11, 15), date(2024, 11, 21))
    asia = Space.objects.get(slug="regional-review-asia-pacific").phases.get(key="regional-review")
    assert asia.planned_start.year == asia.planned_end.year == 2025


@pytest.mark.django_db
def test_the_demo_has_an_advisory_mechanism_seat_only_where_the_seed_says_one_exists():
    load_demo()
    with_seat = set(
        Space.objects.filter(template_key="regional-review", seats__key="advisory-group").values_list(
            "slug", flat=True
        )
    )
    assert (
        "regional-review-latin-america-caribbean" in with_seat and "regional-review-arab-states" in with_seat
    )
    assert "regional-review-europe" not in with_seat and "regional-review-asia-pacific" not in with_seat


@pytest.mark.django_db
def test_the_demo_dialogue_mixes_the_organisation_types_of_seed_004():
    """B3 names consumers, foundations and regulators among the non-state actors to involve."""
    from hiwar.accounts.models import Organisation

    load_demo()
    types = set(Organisation.objects.values_list("type", flat=True))
    assert {"consumer_org", "foundation", "regulator"} <= types
