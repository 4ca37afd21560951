"""Throttling of sign-in, password reset, sign-up and verification mails: 429, Retry-After, no e-mail flood."""

import json
import re
import time

import pytest
from django.test import RequestFactory
from django.utils import translation

from hiwar.core import throttling
from tests.factories import UserFactory

PASSWORD = "ndc-nap-convergence-2026"
WRONG = "not-the-password-2026"
LOGIN = "/en/accounts/login/"
RESET = "/en/accounts/password/reset/"
TOO_MANY = re.compile(r"Too many attempts\. Try again in (\d+) minutes?\.")


@pytest.fixture
def layla(db):
    user = UserFactory(email="layla@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, email, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_throttled(response, window_seconds):
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= window_seconds
    minutes = int(TOO_MANY.search(response.content.decode()).group(1))
    assert minutes == -(-retry_after // 60)  # whole minutes, rounded up


@pytest.fixture
def later(monkeypatch):
    """Move django-ratelimit's clock forward, as if the window had passed."""

    def move(seconds):
        now = time.time() + seconds
        monkeypatch.setattr("django_ratelimit.core.time.time", lambda: now)

    return move


def test_sign_in_is_refused_after_five_wrong_passwords_even_with_the_right_one(client, layla):
    for _attempt in range(5):
        response = sign_in(client, "layla@example.org", WRONG)
        assert response.status_code == 200  # the form's own error, answered as before
    response = sign_in(client, "layla@example.org", PASSWORD)
    assert_throttled(response, 15 * 60)
    assert response.templates[0].name == "429.html"
    assert not signed_in(client)


def test_the_right_password_works_again_once_the_window_has_passed(client, layla, later):
    for _attempt in range(5):
        sign_in(client, "layla@example.org", WRONG)
    assert sign_in(client, "layla@example.org", PASSWORD).status_code == 429
    later(15 * 60 + 1)
    assert sign_in(client, "layla@example.org", PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_throttled_sign_in_does_not_tell_whether_the_account_exists(client, layla):
    answers = []
    for email in ("layla@example.org", "nobody@example.org"):
        for _attempt in range(5):
            sign_in(client, email, WRONG)
        response = sign_in(client, email, WRONG)
        answers.append((response.status_code, TOO_MANY.search(response.content.decode()) is not None))
    assert answers == [(429, True), (429, True)]


def test_one_account_throttled_leaves_other_accounts_and_addresses_alone(client, layla):
    omar = UserFactory(email="omar@example.org")
    omar.set_password(PASSWORD)
    omar.save()
    for _attempt in range(5):
        sign_in(client, "layla@example.org", WRONG)
    assert sign_in(client, "omar@example.org", PASSWORD).status_code == 302


def test_one_address_is_throttled_across_accounts_and_others_are_not(client, layla, settings):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "login_address": "3/15m"}
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        sign_in(client, email, WRONG, address="203.0.113.9")
    assert sign_in(client, "layla@example.org", PASSWORD, address="203.0.113.9").status_code == 429
    assert sign_in(client, "layla@example.org", PASSWORD, address="203.0.113.10").status_code == 302


def test_sign_in_limit_counts_the_e_mail_as_typed_in_any_case(client, layla):
    for email in (
        "Layla@Example.org",
        "LAYLA@example.org",
        " layla@example.org",
        "layla@EXAMPLE.org",
        "layla@example.org",
    ):
        sign_in(client, email, WRONG)
    assert sign_in(client, "layla@example.org", PASSWORD).status_code == 429


def test_successful_sign_ins_are_not_counted(client, layla):
    for _attempt in range(8):
        assert sign_in(client, "layla@example.org", PASSWORD).status_code == 302
        client.logout()


def test_password_reset_sends_at_most_three_mails_an_hour(client, layla, mailoutbox):
    for _attempt in range(3):
        assert client.post(RESET, {"email": "layla@example.org"}).status_code == 302
    response = client.post(RESET, {"email": "layla@example.org"})
    assert_throttled(response, 60 * 60)
    assert len(mailoutbox) == 3
    # Another person's reset from the same address still goes out.
    UserFactory(email="omar@example.org")
    assert client.post(RESET, {"email": "omar@example.org"}).status_code == 302
    assert len(mailoutbox) == 4


def test_password_reset_is_limited_per_address(client, db, settings):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "password_reset_address": "2/h"}
    for email in ("a@example.org", "b@example.org"):
        client.post(RESET, {"email": email}, REMOTE_ADDR="203.0.113.9")
    assert client.post(RESET, {"email": "c@example.org"}, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert client.post(RESET, {"email": "c@example.org"}, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_sign_up_is_limited_per_address(client, db, settings, mailoutbox):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "signup_address": "2/h"}

    def sign_up(n, address="203.0.113.9"):
        data = {
            "name": f"P{n}",
            "email": f"p{n}@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        response = client.post("/en/accounts/signup/", data, REMOTE_ADDR=address)
        client.logout()
        return response

    assert [sign_up(1).status_code, sign_up(2).status_code] == [302, 302]
    assert_throttled(sign_up(3), 60 * 60)
    assert sign_up(4, address="203.0.113.10").status_code == 302


def test_verification_mail_resend_is_limited_per_account(
    client, unverified_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(unverified_user)
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            assert client.post("/en/accounts/verify-again/").status_code == 302
        response = client.post("/en/accounts/verify-again/")
    assert_throttled(response, 60 * 60)
    assert len(mailoutbox) == 5


def test_the_throttled_page_is_in_the_readers_language(client, layla):
    for _attempt in range(5):
        sign_in(client, "layla@example.org", WRONG)
    response = client.post("/fr/accounts/login/", {"username": "layla@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()


def test_the_api_gets_json(db):
    request = RequestFactory().get("/api/v1/spaces/", HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        response = throttling.throttled_response(request, 125)
    assert response.status_code == 429
    assert response["Retry-After"] == "125"
    assert json.loads(response.content) == {"detail": "Too many attempts. Try again in 3 minutes."}


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "6.6.6.6, 198.51.100.7"}, "198.51.100.7"),
        ({"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
    ],
)
def test_client_address_behind_a_proxy(settings, meta, expected):
    settings.HIWAR_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert throttling.client_address(RequestFactory().get("/", **meta)) == expected


def test_counters_live_in_the_shared_cache_not_in_process_memory(settings):
    assert settings.CACHES["default"]["BACKEND"] in {
        "hiwar.core.cache.AtomicDatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def test_the_admin_sign_in_is_throttled_too(client, db):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    for _attempt in range(5):
        response = client.post("/en/admin/login/", {"username": "admin@example.org", "password": WRONG})
        assert response.status_code == 200
    response = client.post("/en/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    assert_throttled(response, 15 * 60)
    assert not signed_in(client)
    # The two sign-in pages share one count.
    assert sign_in(client, "admin@example.org", PASSWORD).status_code == 429


def test_the_admin_sign_in_still_signs_staff_in(client, db):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    response = client.post(
        "/en/admin/login/?next=/en/admin/", {"username": "admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/en/admin/"
    assert signed_in(client)
