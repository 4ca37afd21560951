import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation

from hiwar.accounts import services
from hiwar.accounts.models import Profile, User
from tests.factories import UserFactory

GOOD_PASSWORD = "ndc-nap-convergence-2026"


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_sends_a_verification_link_that_verifies(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {
                "name": "Layla",
                "email": "Layla@Example.org",
                "password": GOOD_PASSWORD,
                "password_again": GOOD_PASSWORD,
            },
        )
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.email, user.email_verified, user.preferred_language) == ("layla@example.org", False, "en")
    assert user.password.startswith(("argon2", "md5"))  # hashed, never stored as typed
    assert Profile.objects.filter(user=user).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["layla@example.org"]

    url = link_in(mailoutbox[0])
    client.get(url[url.index("/en/") :])
    user.refresh_from_db()
    assert user.email_verified


def test_the_verification_email_speaks_the_language_of_sign_up(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ar/accounts/signup/",
            {
                "name": "ليلى",
                "email": "l@example.org",
                "password": GOOD_PASSWORD,
                "password_again": GOOD_PASSWORD,
            },
        )
    assert "/ar/accounts/verify/" in mailoutbox[0].body


def test_passwords_are_hashed_with_argon2_outside_tests(tmp_path):
    import os
    import subprocess
    import sys

    code = "from hiwar import settings; print(settings.PASSWORD_HASHERS[0])"
    env = {k: v for k, v in os.environ.items() if k != "HIWAR_TESTING"} | {"HIWAR_HOME": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "name": "A",
                "email": "not-an-address",
                "password": GOOD_PASSWORD,
                "password_again": GOOD_PASSWORD,
            },
            "email",
        ),
        (
            {"name": "A", "email": "a@example.org", "password": GOOD_PASSWORD, "password_again": "other"},
            "password_again",
        ),
        (
            {
                "name": "A",
                "email": "a@example.org",
                "password": "12345678901",
                "password_again": "12345678901",
            },
            "password",
        ),
    ],
)
def test_bad_sign_up_gets_a_message_and_creates_nothing(client, db, data, field, mailoutbox):
    response = client.post("/en/accounts/signup/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()
    assert mailoutbox == []


def test_duplicate_address_is_refused_in_arabic(client, db):
    UserFactory(email="taken@example.org")
    response = client.post(
        "/ar/accounts/signup/",
        {
            "name": "A",
            "email": "TAKEN@example.org",
            "password": GOOD_PASSWORD,
            "password_again": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert User.objects.count() == 1
    assert "email" in response.context["form"].errors


def test_tampered_or_expired_verification_link(db, settings):
    user = UserFactory(email_verified=False)
    token = services.make_verification_token(user)
    with translation.override("en"), pytest.raises(ValidationError, match="not valid"):
        services.user_verify_email(token=token[:-2] + "xx")
    settings.HIWAR_EMAIL_VERIFICATION_DAYS = -1
    with translation.override("en"), pytest.raises(ValidationError, match="expired"):
        services.user_verify_email(token=token)
    user.refresh_from_db()
    assert not user.email_verified


def test_a_link_for_an_old_address_does_not_verify_the_new_one(db):
    user = UserFactory(email_verified=False, email="old@example.org")
    token = services.make_verification_token(user)
    user.email = "new@example.org"
    user.save()
    with pytest.raises(ValidationError):
        services.user_verify_email(token=token)
    assert signing.loads(token, salt=services.VERIFY_SALT)["e"] == "old@example.org"


def test_login_with_email_and_password(client, db):
    UserFactory(email="p@example.org")
    response = client.post(
        "/en/accounts/login/", {"username": "p@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    wrong = client.post("/en/accounts/login/", {"username": "p@example.org", "password": "wrong"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_password_reset_mail(client, db, mailoutbox):
    UserFactory(email="p@example.org")
    client.post("/en/accounts/password/reset/", {"email": "p@example.org"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_profile_saves_attributes_with_their_visibility(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {
            "name": "Amal Haddad",
            "preferred_language": "en",
            "organisation_name": "Jordan Youth Network",
            "organisation_type": "youth_women_group",
            "sector": "youth",
            "stakeholder_group": "youth",
            "country": "JO",
            "region": "arab_states",
            "gender": "prefer_not_to_say",
            "age_range": "19-30",
            "working_languages": ["ar", "en"],
            "interpretation_needs": ["fr"],
            "accessibility_needs": "Step-free access",
            **{f"visibility_{a}": "private" for a in Profile.ATTRIBUTES},
            "visibility_organisation": "public",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    profile = Profile.objects.select_related("organisation").get(user=user)
    assert (profile.organisation.name, profile.organisation.type) == (
        "Jordan Youth Network",
        "youth_women_group",
    )
    assert (profile.gender, profile.age_range, profile.working_languages) == (
        "prefer_not_to_say",
        "19-30",
        ["ar", "en"],
    )
    assert profile.visible_value("organisation", "public") == profile.organisation
    assert profile.visible_value("gender", "members") is None
    user.refresh_from_db()
    assert (user.name, user.preferred_language) == ("Amal Haddad", "en")


def test_profile_refuses_an_organisation_without_a_type(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/", {"name": "X", "preferred_language": "ar", "organisation_name": "Org"}
    )
    assert response.status_code == 200
    assert "organisation_type" in response.context["form"].errors
    assert Profile.objects.get(user=user).organisation is None


def test_private_attributes_are_hidden_by_default(db):
    profile = UserFactory().profile
    profile.gender = "female"
    assert profile.visible_value("gender", "members") is None
    assert profile.visibility_of("sector") == "members"


@pytest.mark.parametrize(
    ("language", "too_short"),
    [
        ("ar", "كلمة المرور هذه قصيرة جدًا"),
        ("en", "This password is too short. It must contain at least 10 characters."),
        ("fr", "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."),
    ],
)
def test_password_rules_speak_the_language_of_the_sign_up_page(client, db, language, too_short):
    response = client.post(
        f"/{language}/accounts/signup/",
        {"name": "A", "email": "a@example.org", "password": "2468", "password_again": "2468"},
    )
    errors = response.context["form"].errors["password"]
    assert len(errors) == 3  # too short, too common, only digits
    assert too_short in errors[0]
    if language == "ar":
        assert not any("password" in error for error in errors)


def test_profile_shows_each_field_once_and_saves_the_job_title(client, db):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/en/accounts/profile/").content.decode()
    assert page.count('id="id_job_title"') == 1
    ids = re.findall(r'\bid="(id_[a-z_]+)"', page)
    assert len(ids) == len(set(ids))

    response = client.post(
        "/en/accounts/profile/",
        {
            "name": "Amal",
            "preferred_language": "en",
            "job_title": "Programme officer",
            **{f"visibility_{a}": "members" for a in Profile.ATTRIBUTES},
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Profile.objects.get(user=user).job_title == "Programme officer"


@pytest.mark.parametrize("path", ["/en/accounts/profile/", "/en/accounts/signup/"])
def test_every_field_description_a_field_points_to_is_on_the_page(client, db, path):
    if "profile" in path:
        client.force_login(UserFactory())
    page = client.get(path).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in page, id_
