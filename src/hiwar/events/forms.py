from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiwar.accounts.choices import Language, Region, Sector, StakeholderGroup
from hiwar.core.forms import TranslatedTextField
from hiwar.events import recurrence, zones
from hiwar.events.models import (
    AgendaItem,
    EventFormat,
    EventKind,
    MinutesVisibility,
    RegistrationMode,
    SchedulingRule,
)
from hiwar.events.precision import Part, Precision, PrecisionDate
from hiwar.spaces.forms import DateInput

PRECISION_CHOICES = [
    (Precision.EXACT.value, _("Exact date and time")),
    (Precision.DAY.value, _("A day (time not yet known)")),
    (Precision.WEEK.value, _("A week of a month")),
    (Precision.MONTH.value, _("A month")),
    (Precision.PART.value, _("Part of a year")),
    (Precision.YEAR.value, _("A year")),
    (Precision.TBD.value, _("To be decided")),
]
PART_CHOICES = [
    (Part.EARLY.value, _("Early in the year")),
    (Part.MID.value, _("Mid-year")),
    (Part.LATE.value, _("Late in the year")),
    (Part.FIRST_HALF.value, _("First half")),
    (Part.SECOND_HALF.value, _("Second half")),
    (Part.Q1.value, _("First quarter")),
    (Part.Q2.value, _("Second quarter")),
    (Part.Q3.value, _("Third quarter")),
    (Part.Q4.value, _("Fourth quarter")),
]
MONTH_CHOICES = [("", "—"), *((str(m), str(m)) for m in range(1, 13))]

# Which date fields each precision uses: the form shows them grouped, and events-form.js shows
# only those of the chosen precision.
PRECISION_FIELDS = {
    Precision.EXACT.value: ("start", "end"),
    Precision.DAY.value: ("day", "alternative_day"),
    Precision.WEEK.value: ("year", "month", "week"),
    Precision.MONTH.value: ("year", "month"),
    Precision.PART.value: ("year", "part"),
    Precision.YEAR.value: ("year",),
    Precision.TBD.value: (),
}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ZoneMixin(forms.Form):
    """A time-zone select named in the reader's language, the space's country's zones first."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=())

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        current = self.initial.get("timezone") or ""
        self.fields["timezone"].choices = zones.zone_choices(country=country, current=current)


def default_zone(*, country: str = "", user=None) -> str:
    """The zone a new event starts with: the space's country's, else the convenor's, else UTC."""
    in_country = zones.country_zones(country)
    if in_country:
        return in_country[0]
    return getattr(user, "timezone", "") or zones.UTC


class WhenMixin(ZoneMixin):
    """A date of limited precision, or an exact start and end in the event's time zone (R8)."""

    precision = forms.ChoiceField(label=_("How precise is the date?"), choices=PRECISION_CHOICES)
    start = forms.DateTimeField(
        label=_("Starts"), required=False, widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    end = forms.DateTimeField(
        label=_("Ends"), required=False, widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, required=False, coerce=int, empty_value=None
    )
    week = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=[("", "—"), *((str(w), str(w)) for w in range(1, 6))],
        required=False,
        coerce=int,
        empty_value=None,
    )
    part = forms.ChoiceField(label=_("Part of the year"), choices=[("", "—"), *PART_CHOICES], required=False)

    def _localise(self, value: datetime | None, zone: str) -> datetime | None:
        # datetime-local inputs carry wall-clock time in the event's own zone.
        return value.replace(tzinfo=ZoneInfo(zone)) if value else None

    def when(self) -> tuple[PrecisionDate, datetime | None, datetime | None]:
        data = self.cleaned_data
        precision = Precision(data["precision"])
        zone = data.get("timezone") or "UTC"
        if precision == Precision.EXACT:
            return (
                PrecisionDate(precision),
                self._localise(data.get("start"), zone),
                self._localise(data.get("end"), zone),
            )
        day = data.get("day")
        return (
            PrecisionDate(
                precision,
                year=day.year if day else data.get("year"),
                month=day.month if day else data.get("month"),
                day=day.day if day else None,
                week=data.get("week"),
                part=Part(data["part"]) if data.get("part") else None,
            ),
            None,
            None,
        )

    def clean(self):
        data = super().clean()
        # A far-off instant overflows once moved to another zone: keep dates to a sane range.
        for name in ("start", "end", "registration_closes"):
            value = data.get(name)
            if value is not None and not 1900 <= value.year <= 2100:
                self.add_error(name, _("Give a date between 1900 and 2100."))
                data.pop(name, None)
        precision = data.get("precision")
        if precision == Precision.EXACT:
            if not data.get("start"):
                self.add_error("start", _("Give the start and the end."))
            if not data.get("end"):
                self.add_error("end", _("Give the start and the end."))
            if data.get("start") and data.get("end") and data["end"] <= data["start"]:
                self.add_error("end", _("The event must end after it starts."))
        elif precision == Precision.DAY and not data.get("day"):
            self.add_error("day", _("Give the day."))
        return data

    def date_groups(self) -> list[dict]:
        """The date fields in fieldsets, each saying for which precision to fill it (no-JS reading).

        Each field comes with the precisions that use it, for events-form.js to show only those.
        """
        uses = self.precision_fields()
        groups = [
            {
                "key": "exact",
                "legend": _("Exact date and time"),
                "help": _("Fill these when the precision is “Exact date and time”."),
                "fields": [self["start"], self["end"]],
            },
            {
                "key": "day",
                "legend": _("A day"),
                "help": _("Fill this when the precision is “A day (time not yet known)”."),
                "fields": [self[name] for name in ("day", "alternative_day") if name in self.fields],
            },
            {
                "key": "approximate",
                "legend": _("An approximate date"),
                "help": _(
                    "A week of a month: year, month and week. A month: year and month. "
                    "Part of a year: year and part. A year: the year only."
                ),
                "fields": [self["year"], self["month"], self["week"], self["part"]],
            },
        ]
        for group in groups:
            group["fields"] = [(field, uses.get(field.name, "")) for field in group["fields"]]
        return groups

    def precision_fields(self) -> dict[str, str]:
        """For each field, the precisions that use it, space-separated (the data attribute for JS)."""
        uses: dict[str, list[str]] = {}
        for precision, names in PRECISION_FIELDS.items():
            for name in names:
                if name in self.fields:
                    uses.setdefault(name, []).append(precision)
        return {name: " ".join(values) for name, values in uses.items()}


class EventForm(WhenMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    alternative_day = forms.DateField(
        label=_("Or on"),
        required=False,
        widget=DateInput,
        help_text=_("Another day the event may fall on (“8 or 11 March”); with a date given to the day."),
    )
    date_tentative = forms.BooleanField(label=_("The date is still to be decided"), required=False)
    title = TranslatedTextField(label=_("Title"), max_length=200)
    description = TranslatedTextField(label=_("Description"), textarea=True, max_length=5000, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    venue = forms.CharField(
        label=_("Venue"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    online_url = forms.URLField(label=_("Online link"), required=False)
    registration_mode = forms.ChoiceField(label=_("Registration"), choices=RegistrationMode.choices)
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    registration_closes = forms.DateTimeField(
        label=_("Registration closes"), required=False, widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    interpretation_languages = forms.MultipleChoiceField(
        label=_("Simultaneous interpretation into"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes_visibility = forms.ChoiceField(label=_("Minutes visible to"), choices=MinutesVisibility.choices)

    field_order = [
        "kind",
        "title",
        "description",
        "format",
        "timezone",
        "precision",
        "start",
        "end",
        "day",
        "year",
        "month",
        "week",
        "part",
        "alternative_day",
        "date_tentative",
    ]

    def event_fields(self) -> dict:
        data = self.cleaned_data
        alternative = data.get("alternative_day")
        fields = {
            name: data[name]
            for name in (
                "kind",
                "title",
                "description",
                "format",
                "venue",
                "online_url",
                "registration_mode",
                "capacity",
                "interpretation_languages",
                "minutes_visibility",
                "timezone",
            )
        }
        fields["registration_closes"] = self._localise(data.get("registration_closes"), data["timezone"])
        fields["date_tentative"] = data.get("date_tentative", False)
        # Another possible day goes with a day's date only; a date made more or less precise drops it.
        with_day = data.get("precision") == Precision.DAY.value
        fields["date_alternatives"] = [alternative.isoformat()] if alternative and with_day else []
        return fields


class SeriesForm(ZoneMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices, initial=EventKind.FOLLOW_UP_MEETING)
    title = TranslatedTextField(label=_("Title"), max_length=200)
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=[
            ("monthly", _("Every month")),
            ("bimonthly", _("Every two months")),
            ("quarterly", _("Every quarter")),
            ("weekly", _("Every week")),
            ("yearly", _("Every year")),
            ("custom", _("Custom rule (RFC 5545 RRULE)")),
        ],
    )
    rrule = forms.CharField(
        label=_("RRULE"),
        required=False,
        max_length=recurrence.MAX_RULE_LENGTH,
        help_text=_("For example FREQ=MONTHLY;BYDAY=1TU;COUNT=10"),
    )
    field_order = ["kind", "title", "repeat", "rrule", "timezone", "first_start"]
    first_start = forms.DateTimeField(
        label=_("First meeting starts"), widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=90
    )
    count = forms.IntegerField(label=_("Number of meetings"), required=False, min_value=1)
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    online_url = forms.URLField(label=_("Online link"), required=False)
    registration_mode = forms.ChoiceField(
        label=_("Registration"), choices=RegistrationMode.choices, initial=RegistrationMode.NONE
    )

    def clean(self):
        data = super().clean()
        if data.get("repeat") == "custom" and not data.get("rrule"):
            self.add_error("rrule", _("Write the rule, or choose a simple repetition."))
        return data

    def rule(self) -> str:
        data = self.cleaned_data
        return data["rrule"] if data["repeat"] == "custom" else recurrence.PRESETS[data["repeat"]]

    def first_start_aware(self) -> datetime:
        return self.cleaned_data["first_start"].replace(tzinfo=ZoneInfo(self.cleaned_data["timezone"]))

    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["duration_minutes"])


class RegistrationForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"), choices=[("", "—"), *StakeholderGroup.choices], required=False
    )
    working_language = forms.ChoiceField(
        label=_("Working language"), choices=[("", "—"), *Language.choices], required=False
    )
    interpretation_language = forms.ChoiceField(label=_("Interpretation wanted into"), required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [
            (code, label) for code, label in Language.choices if code in event.interpretation_languages
        ]
        self.fields["interpretation_language"].choices = [("", _("None")), *offered]
        if not offered:
            del self.fields["interpretation_language"]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    title = TranslatedTextField(label=_("Title"), max_length=300)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    speakers = forms.CharField(label=_("Speakers"), required=False, max_length=300)


class DocumentForm(forms.Form):
    title = TranslatedTextField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a link"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", "—"), *Language.choices], required=False)
    published_on = forms.DateField(label=_("Published on"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data


class MinutesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    owner_name = forms.CharField(label=_("Owner (if not a member)"), required=False, max_length=200)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from hiwar.events.display import describe

        return _("%(title)s (%(when)s)") % {"title": str(obj), "when": describe(obj.when)}


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=SchedulingRule._meta.get_field("kind").choices)
    amount = forms.IntegerField(label=_("N"), min_value=1, max_value=520)
    strength = forms.ChoiceField(
        label=_("How firm"),
        choices=SchedulingRule._meta.get_field("strength").choices,
        initial="required",
        required=False,
        help_text=_("A preferred rule (“possibly the day before”) is shown but never warned about."),
    )
    other = EventChoiceField(
        label=_("Before which event"),
        queryset=None,
        help_text=_("The events nearest in time are listed; search above for another one."),
    )

    def clean_strength(self):
        return self.cleaned_data.get("strength") or "required"

    def __init__(self, *args, events, **kwargs):
        """`events`: the events offered (a page shows a few near in time; a submission checks the space's)."""
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = events


class RuleSearchForm(forms.Form):
    rule_q = forms.CharField(label=_("Find an event by its title"), required=False, max_length=100)


class AttendanceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))


class MinutesRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why you ask"), required=False, max_length=2000)


class EventFilterForm(forms.Form):
    space = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *EventKind.choices], required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", _("All")), *Region.choices], required=False)
    language = forms.ChoiceField(
        label=_("Interpretation into"), choices=[("", _("All")), *Language.choices], required=False
    )
    period = forms.ChoiceField(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All dates"))],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def selection(self) -> dict:
        """The filters for the selector; with no dates given, upcoming events (as people expect of an events page)."""
        data = {k: v for k, v in self.cleaned_data.items() if v and k != "period"} if self.is_valid() else {}
        period = self.cleaned_data.get("period") if self.is_valid() else ""
        if "date_from" not in data and "date_to" not in data:
            if period in ("", "upcoming"):
                data["date_from"] = timezone.localdate()
            elif period == "past":
                data["date_to"] = timezone.localdate() - timedelta(days=1)
        return data
