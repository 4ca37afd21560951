"""Printable table lists: one page per table, in the reader's language and direction (WeasyPrint).

WeasyPrint shapes Arabic through Pango and HarfBuzz, so joined letters and right-to-left lines come
out as in the browser; the fonts are Debian's Noto (fonts-noto-core).
"""

from django.template.loader import render_to_string
from django.utils import translation

from hiwar.grouping.models import Composition
from hiwar.grouping.selectors import tables_overview


def tables_pdf(composition: Composition, language: str) -> bytes:
    from weasyprint import HTML  # imported here: the rest of Hiwar runs without Pango installed

    tables = tables_overview(composition).tables
    with translation.override(language):
        html = render_to_string(
            "grouping/tables_pdf.html",
            {
                "event": composition.event,
                "space": composition.event.space,
                "tables": tables,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )
    return HTML(string=html).write_pdf()
