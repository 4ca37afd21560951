"""Turn HIWAR_EMAIL_URL into Django e-mail settings (pure, no Django import)."""

from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}


def parse_email_url(url: str) -> dict:
    """`smtp://user:pass@host:587?tls=1`, `smtps://…` (implicit TLS), `file:///var/mail`, `console:`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(f"HIWAR_EMAIL_URL: unknown scheme {scheme!r}; use one of {', '.join(BACKENDS)}")
    settings: dict = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        settings["EMAIL_FILE_PATH"] = unquote(parts.path) or "var/mail"
    elif scheme in {"smtp", "smtps"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        settings.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=scheme == "smtps",
            EMAIL_USE_TLS=scheme == "smtp" and query.get("tls", "0") in {"1", "true", "yes"},
            EMAIL_TIMEOUT=int(query.get("timeout", "20")),
        )
    return settings
