from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from hiwar.core.forms import MAX_ID
from hiwar.grouping.distances import DEFAULT_WEIGHTS

MAX_SEED = 2**31 - 1  # the seed is stored in a 32-bit integer column

WEIGHT_LABELS = {
    "sector": _("Sector"),
    "stakeholder_group": _("Stakeholder group"),
    "organisation": _("Organisation"),
    "organisation_type": _("Type of organisation"),
    "gender": _("Gender"),
    "age_range": _("Age range"),
    "country": _("Country"),
    "region": _("Region"),
    "languages": _("Working languages"),
    "met_before": _("Sat together in an earlier dialogue"),
}


# Arabic-Indic and Eastern Arabic-Indic digits, the Arabic decimal separator and the comma, as ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫,", "01234567890123456789..")


class LocalNumberField(forms.FloatField):
    """A small decimal number shown in the page's language ("1,5" on the Arabic page, "1.5" on the
    English one) and read in any of them: Arabic-Indic digits, "٫", "," or "." as the decimal mark.
    A text input (inputmode decimal), because a number input shows the browser's locale, not the page's."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 5})

    def prepare_value(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return formats.number_format(value, decimal_pos=None if value % 1 else 0)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().translate(_DIGITS)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {}  # no min/max/step: they belong to number inputs


class ComposeForm(forms.Form):
    table_count = forms.IntegerField(label=_("Number of tables"), required=False, min_value=1, max_value=200)
    table_size = forms.IntegerField(
        label=_("Or people per table"),
        required=False,
        min_value=2,
        max_value=100,
        help_text=_("Used when the number of tables is empty."),
    )
    organisations_apart = forms.BooleanField(
        label=_("No two people of one organisation at a table"), required=False, initial=True
    )
    shared_language = forms.BooleanField(
        label=_("Every table shares a working language"),
        required=False,
        help_text=_("Not needed when the event offers interpretation."),
    )
    seed = forms.IntegerField(
        label=_("Variant"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        initial=0,
        help_text=_("Another number gives another, equally diverse, seating."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in DEFAULT_WEIGHTS.items():
            self.fields[f"w_{name}"] = LocalNumberField(
                label=WEIGHT_LABELS[name], min_value=0, max_value=10, initial=default, required=False
            )

    def clean(self):
        data = super().clean()
        if not data.get("table_count") and not data.get("table_size"):
            raise forms.ValidationError(_("Give the number of tables or the size of a table."))
        return data

    def weights(self) -> dict:
        return {
            name: self.cleaned_data[f"w_{name}"]
            for name in DEFAULT_WEIGHTS
            if self.cleaned_data.get(f"w_{name}") is not None
        }


class MoveForm(forms.Form):
    user_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    table = forms.IntegerField(label=_("Move to table"), min_value=1, max_value=MAX_ID)


class KeepTogetherForm(forms.Form):
    first = forms.TypedChoiceField(label=_("Keep"), coerce=int)
    second = forms.TypedChoiceField(label=_("with"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(user.pk, user.name) for user in people]
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices
