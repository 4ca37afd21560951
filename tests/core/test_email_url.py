import pytest

from hiwar.core.email_url import parse_email_url


def test_smtp_with_starttls_and_credentials():
    settings = parse_email_url("smtp://relay%40un.org:p%40ss@mail.example.org:587?tls=1")
    assert settings == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "relay@un.org",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 20,
    }


def test_smtps_uses_implicit_tls_on_465():
    settings = parse_email_url("smtps://mail.example.org")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_file_and_console():
    assert parse_email_url("file:///srv/hiwar/mail")["EMAIL_FILE_PATH"] == "/srv/hiwar/mail"
    assert parse_email_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scheme 'ftp'"):
        parse_email_url("ftp://x")
