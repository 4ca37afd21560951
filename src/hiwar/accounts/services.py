from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hiwar.accounts.models import Organisation, Profile, User
from hiwar.core.emails import queue_email

VERIFY_SALT = "hiwar.accounts.verify-email"


def email_is_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


@transaction.atomic
def user_sign_up(*, email: str, name: str, password: str, language: str = "ar") -> User:
    email = email.strip().lower()
    if email_is_taken(email):
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=email, name=name.strip(), preferred_language=language)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Profile.objects.create(user=user)
    send_verification_email(user=user)
    return user


def make_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User) -> None:
    link = settings.HIWAR_BASE_URL + reverse("accounts:verify", args=[make_verification_token(user)])
    queue_email(
        to=user.email,
        template="accounts/email/verify",
        context={"user": user, "link": link, "days": settings.HIWAR_EMAIL_VERIFICATION_DAYS},
        language=user.preferred_language,
    )


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the address verified; the token carries the address so a changed address needs a new link."""
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.HIWAR_EMAIL_VERIFICATION_DAYS * 24 * 3600
        )
    except signing.SignatureExpired as error:
        raise ValidationError(_("This verification link has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This verification link is not valid.")) from error
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ValidationError(_("This verification link is not valid."))
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def profile_for(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *, user: User, name: str, preferred_language: str, timezone: str = "", **attributes
) -> Profile:
    profile = profile_for(user)
    visibility = attributes.pop("visibility", None)
    for field, value in attributes.items():
        setattr(profile, field, value)
    if visibility is not None:
        profile.visibility = {k: v for k, v in visibility.items() if k in Profile.ATTRIBUTES}
    profile.full_clean()
    profile.save()
    user.name = name.strip()
    user.preferred_language = preferred_language
    user.timezone = timezone
    user.full_clean()
    user.save(update_fields=["name", "preferred_language", "timezone"])
    return profile


@transaction.atomic
def organisation_get_or_create(*, name: str, type: str, country: str = "", acronym: str = "") -> Organisation:
    existing = Organisation.objects.filter(name__iexact=name.strip(), country=country).first()
    if existing:
        return existing
    organisation = Organisation(name=name.strip(), type=type, country=country, acronym=acronym)
    organisation.full_clean()
    organisation.save()
    return organisation
