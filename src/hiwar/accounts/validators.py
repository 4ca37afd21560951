from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with its message in the reader's language.

    Django 5.2 reworded the message ("%d" for "%(min_length)d"), and its Arabic and Chinese
    catalogues hold only the earlier wording: the new one showed in English on Arabic pages. Where the
    new wording has no translation, the earlier one (same meaning) is used.
    """

    def get_error_message(self):
        message = super().get_error_message()
        english = (
            "This password is too short. It must contain at least %d character."
            if self.min_length == 1
            else "This password is too short. It must contain at least %d characters."
        ) % self.min_length
        if message != english:
            return message
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
