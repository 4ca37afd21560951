import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    """A URL without a language prefix goes to the reader's chosen language (cookie), else Arabic.

    Django's own middleware would follow the browser's Accept-Language; Hiwar is Arabic-first, so a
    browser set to English still lands on /ar/ until the reader picks a language in the switcher.
    """

    def process_request(self, request):
        if translation.get_language_from_path(request.path_info) or request.path_info.startswith("/api/"):
            # Pages with a prefix use it; API clients say what they want with Accept-Language.
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
        if request.path_info == reverse("set_language") and request.method == "POST":
            # The switcher names the page it was on: its address resolves only in its own language,
            # and set_language must resolve it to give the same page in the new language.
            language = translation.get_language_from_path(request.POST.get("next", "")) or language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# C0 controls, DEL and C1 controls. PostgreSQL refuses NUL in text (a 500 when it reaches a query);
# the others are never typed by people and only confuse what we store and show.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# In typed text (form fields), tab and line breaks are ordinary.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _has_control(values, pattern) -> bool:
    return any(pattern.search(value) for value in values)


def _query_dict_strings(query) -> list[str]:
    return [*query.keys(), *(value for _key, values in query.lists() for value in values)]


class RejectControlCharactersMiddleware:
    """Refuse control characters in the path, the query, form fields and the session cookie with a 400.

    Checked once here, before any view or the database sees the request, rather than in every form
    and filter. API callers get the API's JSON error shape; pages a plain translated page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            return self._refuse(request)
        return self.get_response(request)

    def _is_bad(self, request) -> bool:
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if _has_control([request.path, session_key], _CONTROL):
            return True
        if _has_control(_query_dict_strings(request.GET), _CONTROL):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return _has_control(_query_dict_strings(request.POST), _CONTROL_IN_TEXT)
        return False

    def _refuse(self, request):
        message = _("The request contains characters that are not allowed.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
