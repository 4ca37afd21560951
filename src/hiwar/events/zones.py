"""Time zones as people read them: canonical IANA ids, named in the reader's language (CLDR via Babel).

The list holds only the zones the tz database itself lists for a country (zone1970.tab and
zone.tab, shipped with `tzdata`), so deprecated aliases such as Africa/Asmera never appear; the
zones of the space's country come first.
"""

from datetime import UTC as UTC_TZ
from datetime import datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_location
from django.utils.translation import get_language
from django.utils.translation import gettext as _

UTC = "UTC"


def _tab(name: str) -> list[tuple[list[str], str]]:
    """(country codes, zone id) rows of one of tzdata's .tab files."""
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        columns = line.split("\t")
        rows.append((columns[0].split(","), columns[2]))
    return rows


@lru_cache(maxsize=1)
def _by_country() -> dict[str, list[str]]:
    countries: dict[str, list[str]] = {}
    for codes, zone in _tab("zone.tab") + _tab("zone1970.tab"):
        for code in codes:
            zones = countries.setdefault(code, [])
            if zone not in zones:
                zones.append(zone)
    return countries


@lru_cache(maxsize=1)
def canonical_zones() -> frozenset[str]:
    return frozenset({UTC, *(zone for zones in _by_country().values() for zone in zones)})


def country_zones(country: str) -> list[str]:
    """The zones of a country (ISO 3166 code), most populous first as the tz database lists them."""
    return list(_by_country().get((country or "").upper(), []))


def _offset(zone: str) -> str:
    delta = datetime.now(ZoneInfo(zone)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_label(zone: str, language: str | None = None) -> str:
    """'توقيت الأردن (UTC+03:00)', 'Jordan Time (UTC+03:00)'."""
    language = (language or get_language() or "en").replace("-", "_")
    if zone == UTC:
        return _("Coordinated Universal Time (UTC)")
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    try:
        name = get_timezone_location(zone, locale=locale)
    except LookupError:
        name = zone.replace("_", " ")
    return f"{name} ({_offset(zone)})"


@lru_cache(maxsize=32)
def _sorted_labels(language: str, day: str) -> tuple[tuple[str, str], ...]:
    # Keyed by the day too: the offsets in the labels change with daylight saving time.
    labelled = [(zone, zone_label(zone, language)) for zone in canonical_zones() if zone != UTC]
    return tuple(sorted(labelled, key=lambda pair: pair[1].casefold()))


def zone_choices(*, country: str = "", current: str = "") -> list[tuple[str, str]]:
    """Choices for a time-zone select: the country's zones, UTC, then every other zone by name.

    `current` (the zone an event already has) is kept even if it is an old alias, so that editing
    an older event never silently changes its time zone.
    """
    language = get_language() or "en"
    first = country_zones(country)
    choices = [(zone, zone_label(zone, language)) for zone in first]
    if current and current not in canonical_zones() and current not in first:
        choices.insert(0, (current, current))
    choices.append((UTC, zone_label(UTC, language)))
    choices.extend(
        pair
        for pair in _sorted_labels(language, datetime.now(UTC_TZ).date().isoformat())
        if pair[0] not in first
    )
    return choices
