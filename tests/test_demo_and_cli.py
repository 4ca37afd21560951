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
