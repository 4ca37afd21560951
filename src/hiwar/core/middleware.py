from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
