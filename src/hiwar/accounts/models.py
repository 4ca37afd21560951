from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hiwar.accounts.choices import (
    AgeRange,
    Gender,
    OrganisationType,
    Region,
    Sector,
    StakeholderGroup,
    Visibility,
)
from hiwar.core.models import TimeStampedModel


class HiwarUserManager(UserManager):
    """Users sign in with their e-mail address; `username` is not used."""

    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_verified", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, help_text=_("As you want others to see it."))
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="ar")
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, help_text=_("Event times are also shown in this zone.")
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = HiwarUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "country", name="accounts_organisation_name_country_unique"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Profile(TimeStampedModel):
    """What grouping and participation statistics need to know about a person, each with its visibility."""

    # Attributes whose visibility the person chooses; the default keeps personal data private.
    ATTRIBUTES = (
        "organisation",
        "sector",
        "stakeholder_group",
        "country",
        "region",
        "gender",
        "age_range",
        "working_languages",
        "interpretation_needs",
        "accessibility_needs",
    )
    DEFAULT_VISIBILITY = {
        "organisation": Visibility.MEMBERS,
        "sector": Visibility.MEMBERS,
        "stakeholder_group": Visibility.MEMBERS,
        "country": Visibility.MEMBERS,
        "region": Visibility.MEMBERS,
        "working_languages": Visibility.MEMBERS,
    }

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    job_title = models.CharField(_("position"), max_length=150, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=30, choices=StakeholderGroup.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=30, choices=Region.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    age_range = models.CharField(_("age range"), max_length=10, choices=AgeRange.choices, blank=True)
    working_languages = models.JSONField(_("working languages"), default=list, blank=True)
    interpretation_needs = models.JSONField(
        _("interpretation needed into"),
        default=list,
        blank=True,
        help_text=_("Languages you need simultaneous interpretation into."),
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    visibility = models.JSONField(_("who sees each attribute"), default=dict, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)

    def visibility_of(self, attribute: str) -> str:
        return self.visibility.get(attribute) or self.DEFAULT_VISIBILITY.get(attribute, Visibility.PRIVATE)

    def visible_value(self, attribute: str, audience: str):
        """The attribute if `audience` ("members" or "public") may see it, else None."""
        allowed = {Visibility.PUBLIC: ("public", "members"), Visibility.MEMBERS: ("members",)}
        if audience in allowed.get(self.visibility_of(attribute), ()):
            return getattr(self, attribute)
        return None

    @property
    def organisation_for_public(self):
        return self.visible_value("organisation", "public")

    @property
    def organisation_for_members(self):
        return self.visible_value("organisation", "members")
