from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# The largest id a database key holds (a signed 64-bit integer); a larger number cannot name a row.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A row id typed into a URL or posted by hand, or None when it is not one (never an exception)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def safe_next(request, default: str) -> str:
    """The posted `next` address when it stays on this site, else `default` (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def add_validation_error(form: forms.Form, error: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: on its fields when it names them, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field if default_field in form.fields else None, error.messages)


class TranslatedTextWidget(forms.MultiWidget):
    template_name = "core/widgets/translated_text.html"

    def __init__(self, textarea: bool = False, attrs=None):
        self.languages = settings.LANGUAGES
        base = forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput()
        widgets = {
            code: type(base)(attrs={**base.attrs, "lang": code, "dir": "auto"}) for code, _n in self.languages
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code, _name in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (code, language_name) in zip(
            context["widget"]["subwidgets"], self.languages, strict=True
        ):
            subwidget["language_name"] = language_name
            subwidget["language_code"] = code
        return context


class TranslatedTextField(forms.MultiValueField):
    """One input per UN language; at least one is needed when the field is required."""

    default_error_messages = {"required": _("Write this in at least one language.")}

    def __init__(self, *, textarea: bool = False, max_length: int = 200, **kwargs):
        fields = [forms.CharField(required=False, max_length=max_length) for _code in settings.LANGUAGE_CODES]
        super().__init__(
            fields=fields, require_all_fields=False, widget=TranslatedTextWidget(textarea), **kwargs
        )

    def compress(self, data_list):
        return {
            code: text.strip()
            for code, text in zip(settings.LANGUAGE_CODES, data_list or [], strict=False)
            if text and text.strip()
        }

    def clean(self, value):
        result = super().clean(value)
        if self.required and not result:
            raise ValidationError(self.error_messages["required"], code="required")
        return result or {}
