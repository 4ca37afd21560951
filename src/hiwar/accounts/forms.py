import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hiwar.accounts.choices import Language, OrganisationType, Visibility
from hiwar.accounts.models import Organisation, Profile


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,  # hashing is deliberately slow; a megabyte password should not be hashed
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, and not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class ProfileForm(forms.ModelForm):
    name = forms.CharField(label=_("Your name"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Event times are also shown in this zone."),
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=[("", "—"), *OrganisationType.choices], required=False
    )
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpretation_needs = forms.MultipleChoiceField(
        label=_("Interpretation needed into"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages you need simultaneous interpretation into."),
    )

    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Profile
        fields = [
            "job_title",
            "sector",
            "stakeholder_group",
            "country",
            "region",
            "gender",
            "age_range",
            "working_languages",
            "interpretation_needs",
            "accessibility_needs",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["name"].initial = user.name
        self.fields["preferred_language"].initial = user.preferred_language
        self.fields["timezone"].choices = [
            ("", "—"),
            *((z, z) for z in sorted(zoneinfo.available_timezones())),
        ]
        self.fields["timezone"].initial = user.timezone
        if self.instance.organisation_id:
            self.fields["organisation_name"].initial = self.instance.organisation.name
            self.fields["organisation_type"].initial = self.instance.organisation.type
        # One visibility choice per attribute, shown beside it.
        for attribute in Profile.ATTRIBUTES:
            self.fields[f"visibility_{attribute}"] = forms.ChoiceField(
                label=_("Who sees this"),
                choices=Visibility.choices,
                initial=self.instance.visibility_of(attribute),
            )

    def clean(self):
        data = super().clean()
        if data.get("organisation_name") and not data.get("organisation_type"):
            self.add_error("organisation_type", _("Choose the type of your organisation."))
        return data

    def visibility_choices(self) -> dict:
        return {a: self.cleaned_data[f"visibility_{a}"] for a in Profile.ATTRIBUTES}

    def rows(self):
        """(field, its visibility field) pairs for the template."""
        # Each field once: the job title is the first of Meta.fields.
        names = ["organisation_name", "organisation_type", *self.Meta.fields]
        attribute_of = {"organisation_name": "organisation"}
        for name in names:
            attribute = attribute_of.get(name, name)
            visibility = (
                self[f"visibility_{attribute}"]
                if attribute in Profile.ATTRIBUTES and name != "organisation_type"
                else None
            )
            yield self[name], visibility


__all__ = ["LoginForm", "SignUpForm", "ProfileForm", "Organisation"]
