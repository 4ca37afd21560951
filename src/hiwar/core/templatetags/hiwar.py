from django import template
from django.urls import translate_url
from django.utils.html import format_html

from hiwar.core import translation

register = template.Library()


@register.filter
def tr(value):
    """Pick the reader's language from a {"ar": …, "en": …} text."""
    return translation.pick(value)


@register.simple_tag(takes_context=True)
def trtag(context, value, tag="span"):
    """A translated text wrapped with its own `lang` when it fell back to another language."""
    text, language = translation.pick_with_language(value)
    current = context.get("LANGUAGE_CODE")
    if language and language != current:
        return format_html('<{} lang="{}" dir="auto">{}</{}>', tag, language, text, tag)
    return format_html("<{}>{}</{}>", tag, text, tag)


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page in another language (keeps the page when switching)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.filter(name="markdown")
def markdown_filter(value):
    from django.utils.safestring import mark_safe

    from hiwar.core.text import render_markdown

    return mark_safe(render_markdown(value))  # noqa: S308  (sanitised by nh3)
