from django.utils import translation

from hiwar.core.text import render_markdown
from hiwar.core.translation import clean_translations, pick


def test_markdown_keeps_structure_and_drops_scripts():
    html = render_markdown("**مهم**\n\n- one\n- two\n\n<script>alert(1)</script>[x](javascript:alert(1))")
    assert "<strong>مهم</strong>" in html
    assert "<li>one</li>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_links_get_noopener():
    assert 'rel="noopener nofollow"' in render_markdown("[UN](https://un.org)")


def test_pick_falls_back_to_arabic_then_english():
    text = {"ar": "حوار", "en": "Dialogue"}
    with translation.override("fr"):
        assert pick(text) == "حوار"
    assert pick(text, "en") == "Dialogue"
    assert pick({"en": "Only English"}, "ru") == "Only English"
    assert pick(None) == ""


def test_clean_translations_drops_blank_and_unknown_languages():
    assert clean_translations({"ar": " حوار ", "en": "  ", "xx": "?"}) == {"ar": "حوار"}
