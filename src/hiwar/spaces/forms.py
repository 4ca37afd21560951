from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hiwar.accounts.choices import Region
from hiwar.core.forms import TranslatedTextField
from hiwar.core.translation import pick
from hiwar.spaces.blueprints import all_blueprints
from hiwar.spaces.models import ItemStatus, PhaseStatus, Role, SeatCategory, SpaceKind, SpaceVisibility


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SpaceForm(forms.Form):
    title = TranslatedTextField(label=_("Title"), max_length=200)
    description = TranslatedTextField(label=_("Description"), textarea=True, max_length=5000, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpaceKind.choices)
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=SpaceVisibility.choices,
        help_text=_(
            "Public: everyone. Members only: others see the title and can ask to join. Closed: invisible to all but members."
        ),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices], required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]


class SpaceCreateForm(SpaceForm):
    template_key = forms.ChoiceField(
        label=_("Start from a template"), required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [
            ("", _("Empty space")),
            *((k, pick(b.title)) for k, b in all_blueprints().items()),
        ]
        self.order_fields(["template_key"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    message = forms.CharField(
        label=_("Personal message"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you want to join?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class PhaseForm(forms.Form):
    # Plain forms (not ModelForms): the service compares old and new values for the audit log,
    # so the instance must not be changed before the service sees it.
    status = forms.ChoiceField(label=_("Status"), choices=PhaseStatus.choices)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DateInput)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DateInput)
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DateInput)
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("A phase cannot end before it starts."))
        return data


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    evidence_url = forms.URLField(label=_("Link to evidence"), required=False, assume_scheme="https")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class OutputForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    evidence_url = forms.URLField(label=_("Link to the output"), required=False, assume_scheme="https")


class SeatForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Held by"), queryset=None, required=False)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships


# Forms for managers, who shape the process: the text of each part as well as its progress.


class PhaseStructureForm(PhaseForm):
    title = TranslatedTextField(label=_("Title"), max_length=200)
    description = TranslatedTextField(label=_("Description"), textarea=True, max_length=5000, required=False)

    field_order = ["title", "description", "status", "planned_start", "planned_end"]


class ChecklistItemStructureForm(ChecklistItemForm):
    title = TranslatedTextField(label=_("Action item"), max_length=500)
    section = TranslatedTextField(
        label=_("Section"),
        max_length=200,
        required=False,
        help_text=_("The sub-heading this item stands under in its phase, e.g. “Baseline assessment”."),
    )
    owner_role = forms.ChoiceField(label=_("Usual owner"), choices=[("", "—"), *Role.choices], required=False)

    field_order = ["title", "section", "owner_role", "owner", "due_date", "status", "evidence_url"]


class OutputStructureForm(OutputForm):
    title = TranslatedTextField(label=_("Expected output"), max_length=500)

    field_order = ["title", "progress", "evidence_url"]


class SeatDetailsForm(forms.Form):
    title = TranslatedTextField(label=_("Seat"), max_length=200)
    group = TranslatedTextField(label=_("Group"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=SeatCategory.choices)
    suggested_role = forms.ChoiceField(
        label=_("Suggested role"), choices=[("", "—"), *Role.choices], required=False
    )
    optional = forms.BooleanField(label=_("Optional: invited where appropriate"), required=False)


class SeatStructureForm(SeatDetailsForm, SeatForm):
    field_order = ["title", "group", "category", "suggested_role", "optional", "membership"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
