"""Numbers and dates in the reader's locale (vi: 1.234,5 and 27/11/2026). No Flask."""
from __future__ import annotations

import datetime as dt
import functools

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # Indochina Time all year: dates the plan's readers live by
DATE_PATTERNS = {"vi": ("dd/MM/yyyy", "MM/yyyy"), "en": ("d MMM yyyy", "MMM yyyy")}


def fmt_date(value, lang: str = "vi") -> str:
    """An ISO date, or a partial one ("2016", "2019-05"), for people."""
    if not value:
        return ""
    return _fmt_date(str(value), lang)


@functools.lru_cache(maxsize=8192)  # a map of 10,000 projects formats 30,000 dates, few distinct
def _fmt_date(text: str, lang: str) -> str:
    full, month = DATE_PATTERNS.get(lang, DATE_PATTERNS["en"])
    try:
        if len(text) == 4:
            return text
        if len(text) == 7:
            return format_date(dt.date(int(text[:4]), int(text[5:7]), 1), month, locale=lang)
        if len(text) == 10:
            return format_date(dt.date.fromisoformat(text), full, locale=lang)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return format_datetime(moment, full + " HH:mm", locale=lang, tzinfo=VIETNAM)
    except ValueError:
        return text


def fmt_number(value, lang: str = "vi", digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0", locale=lang)


def fmt_vnd(value, lang: str = "vi") -> str:
    """Large VND amounts in billions (tỷ đồng), the unit Vietnamese plans use."""
    if value is None:
        return ""
    billions = value / 1e9
    unit = "tỷ đồng" if lang == "vi" else "billion VND"
    return f"{fmt_number(billions, lang, 1)} {unit}"


def untranslated(text, **kwargs):
    """A stand-in for gettext where no catalogue is at hand (tests, the CLI): the English msgid
    with its ``%(name)s`` filled in."""
    return text % kwargs if kwargs else text
