"""Report periods: a ``Period`` is a half year (``2026-H1``, ``2026-H2``), a year (``2026``) or a
range of days (``2026-01-01..2026-03-31``), parsed from a report's address or its ``?period=`` /
``?from=&to=`` query (a range that is exactly a half or a year becomes that period), named in both
languages, plus the list of standard 6-month and annual periods from 2016 to today. No Flask.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from gis.errors import BadRequest, NotFound
from gis.formatting import fmt_date

FIRST_YEAR = 2016  # the plan's period starts in 2016
LAST_YEAR = 2100


@dataclasses.dataclass(frozen=True)
class Period:
    key: str  # "2026-H1" | "2026-H2" | "2026" | "2026-01-01..2026-03-31"
    kind: str  # "H1" | "H2" | "year" | "range"
    start: dt.date
    end: dt.date

    def label(self, lang: str = "vi") -> str:
        y = self.start.year
        if lang == "vi":
            return {"H1": f"6 tháng đầu năm {y}", "H2": f"6 tháng cuối năm {y}", "year": f"Năm {y}"}.get(
                self.kind, f"Từ {fmt_date(self.start.isoformat(), 'vi')} đến {fmt_date(self.end.isoformat(), 'vi')}")
        return {"H1": f"First half of {y}", "H2": f"Second half of {y}", "year": f"Year {y}"}.get(
            self.kind, f"{fmt_date(self.start.isoformat(), 'en')} to {fmt_date(self.end.isoformat(), 'en')}")

    def span_text(self, lang: str = "vi") -> str:
        return f"{fmt_date(self.start.isoformat(), lang)} – {fmt_date(self.end.isoformat(), lang)}"

    def has_ended(self, today: dt.date) -> bool:
        return self.end < today

    def has_started(self, today: dt.date) -> bool:
        return self.start <= today

    @property
    def filename(self) -> str:
        return "cantho-report-" + self.key.replace("..", "_")

    def to_dict(self, lang: str = "vi") -> dict:
        return {"key": self.key, "kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "label": self.label(lang), "label_vi": self.label("vi"), "label_en": self.label("en"),
                "span_text": self.span_text(lang)}


def _year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise NotFound(f"reports cover the years {FIRST_YEAR} to {LAST_YEAR}, not {value}")
    return value


def year_period(year: int) -> Period:
    year = _year(year)
    return Period(str(year), "year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def half_period(year: int, half: int) -> Period:
    year = _year(year)
    if half == 1:
        return Period(f"{year}-H1", "H1", dt.date(year, 1, 1), dt.date(year, 6, 30))
    return Period(f"{year}-H2", "H2", dt.date(year, 7, 1), dt.date(year, 12, 31))


def _canonical(start: dt.date, end: dt.date) -> Period:
    """A standard period when the dates are exactly one, else a range."""
    for candidate in (year_period(start.year), half_period(start.year, 1), half_period(start.year, 2)):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(f"{start.isoformat()}..{end.isoformat()}", "range", start, end)


def range_period(start_text: str, end_text: str) -> Period:
    """A period from ``from``/``to`` query values (YYYY-MM-DD, inclusive); 400 when malformed."""
    dates = []
    for name, text in (("from", start_text), ("to", end_text)):
        text = (text or "").strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            dates.append(dt.date.fromisoformat(text))
        except ValueError:
            raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None
    start, end = dates
    if end < start:
        raise BadRequest(f"the period ends ({end}) before it starts ({start})")
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise BadRequest(f"reports cover the years {FIRST_YEAR} to {LAST_YEAR}")
    return _canonical(start, end)


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(token: str) -> Period:
    """``2026``, ``2026-H1``, ``2026-H2`` or ``2026-01-01..2026-03-31``; NotFound otherwise."""
    token = str(token or "").strip()
    if m := _YEAR.match(token):
        return year_period(int(m.group(1)))
    if m := _HALF.match(token):
        return half_period(int(m.group(1)), int(m.group(2)))
    if m := _RANGE.match(token):
        try:
            return range_period(m.group(1), m.group(2))
        except BadRequest as exc:
            raise NotFound(exc.message) from None
    raise NotFound(f"no such report period: {token!r} (examples: 2026-H1, 2026-H2, 2026, "
                   f"2026-01-01..2026-03-31)")


def period_from_args(args: dict) -> Period | None:
    """``?period=2026-H1`` or ``?from=...&to=...`` (values are lists, as request args); None when absent."""
    def last(name):
        values = args.get(name) or [""]
        return values[-1] if isinstance(values, list) else values

    if last("period"):
        try:
            return parse_period(last("period"))
        except NotFound as exc:
            raise BadRequest(exc.message) from None
    if last("from") or last("to"):
        return range_period(last("from"), last("to"))
    return None


def standard_periods(today: dt.date) -> list[dict]:
    """The 6-month and annual periods from 2016 to ``today``, newest year first:
    ``[{"year": 2026, "periods": [Period(year), Period(H2), Period(H1)]}]`` (started ones only)."""
    out = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        periods = [p for p in (year_period(year), half_period(year, 2), half_period(year, 1)) if p.has_started(today)]
        if periods:
            out.append({"year": year, "periods": periods})
    return out
