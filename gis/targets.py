"""The plan's 13 targets for 2020 (section II.3), defined in data/targets.json. No Flask.

The file defines the targets (texts, units, parts and target values). Achieved values are
recorded by planners from the reports the plan asks for (every 6 months and every year,
section IV.4) and kept in the store (gis/store/target_values.py; values written in the
file count as its first records); nothing here estimates one. Target 11 (all 36 communes
meet the new-rural standard) is the exception: it is computed from the commune data
(``rural.ntm`` projects), never typed in.

``clean_record`` holds the rules of a record; ``progress_by_year`` gives target vs actual
by year (the table of /targets, the dashboard and the reports).
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import math
import numbers
import os
import re
from functools import lru_cache

from gis.formatting import VIETNAM, untranslated

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS_PATH = os.path.join(ROOT, "data", "targets.json")
PERIODS = ("year", "H1")


class TargetsError(ValueError):
    """data/targets.json is not as described in its "value_format"."""


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_targets(doc: dict) -> list[str]:
    """Every problem of a targets document (empty when fine), one sentence each."""
    problems = []
    targets = doc.get("targets") if isinstance(doc, dict) else None
    if not isinstance(targets, list):
        return ["targets.json needs a \"targets\" list"]
    numbers_seen = [t.get("number") for t in targets if isinstance(t, dict)]
    if sorted(n for n in numbers_seen if isinstance(n, int)) != list(range(1, len(targets) + 1)):
        problems.append(f"targets must be numbered 1..{len(targets)} once each, got {numbers_seen}")
    for t in targets:
        if not isinstance(t, dict):
            problems.append("every target must be an object")
            continue
        n = t.get("number")
        for key in ("text_vi", "text_en", "unit", "parts", "values"):
            if key not in t:
                problems.append(f"target {n}: missing {key}")
        keys = [p.get("key") for p in t.get("parts") or []]
        if len(set(keys)) != len(keys) or not keys:
            problems.append(f"target {n}: parts need unique keys")
        for p in t.get("parts") or []:
            has_value = _is_number(p.get("value"))
            has_range = _is_number(p.get("min")) and _is_number(p.get("max"))
            if not (has_value or has_range):
                problems.append(f"target {n}: part {p.get('key')!r} needs a numeric value or min and max")
            if has_range and p["min"] > p["max"]:
                problems.append(f"target {n}: part {p.get('key')!r} has min above max")
        values = t.get("values")
        if not isinstance(values, list):
            problems.append(f"target {n}: values must be a list")
            continue
        if t.get("computed_from") and values:
            problems.append(f"target {n} is computed from the data; do not record values for it")
        for v in values:
            if not isinstance(v, dict):
                problems.append(f"target {n}: every value must be an object")
                continue
            if not isinstance(v.get("year"), int) or v.get("period", "year") not in PERIODS:
                problems.append(f"target {n}: a value needs a year and a period ({' or '.join(PERIODS)})")
            if v.get("part") not in keys:
                problems.append(f"target {n}: value for unknown part {v.get('part')!r} (parts: {', '.join(keys)})")
            if not _is_number(v.get("value")):
                problems.append(f"target {n}: value {v.get('value')!r} is not a number")
            if not v.get("source"):
                problems.append(f"target {n}: a recorded value needs its source (the report it comes from)")
    computed = [t.get("number") for t in targets if isinstance(t, dict) and t.get("computed_from")]
    if computed not in ([], [11]):
        problems.append(f"only target 11 is computed from the data, not {computed}")
    return problems


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    problems = check_targets(doc)
    if problems:
        raise TargetsError(f"{path}: " + "; ".join(problems))
    return doc


def load_targets(path: str = TARGETS_PATH) -> dict:
    """The targets document (checked); raises TargetsError when it is malformed."""
    return _load_cached(path, os.path.getmtime(path))


# -- target 11: computed from the commune data ------------------------------------------

def ntm_progress(features, computed_from: dict, total: int | None = None) -> dict:
    """Communes meeting the new-rural standard, cumulative, per year.

    A commune counts in year Y when it is a ``computed_from["sector"]`` project whose
    status is one of ``computed_from["statuses"]`` and whose ``ntm_year`` is <= Y.
    """
    sector = computed_from.get("sector", "rural.ntm")
    statuses = set(computed_from.get("statuses", ("completion", "maintenance")))
    year_property = computed_from.get("year_property", "ntm_year")
    first, last = computed_from.get("years", (2015, 2020))
    communes = [f for f in features if (f.get("properties") or {}).get("sector") == sector]
    reached_years, without_year = [], 0
    for f in communes:
        p = f["properties"]
        if p.get("status") not in statuses:
            continue
        year = p.get(year_property)
        if isinstance(year, int) and not isinstance(year, bool):
            reached_years.append(year)
        else:
            without_year += 1
    years = []
    for year in range(first, last + 1):
        count = sum(1 for y in reached_years if y <= year)
        years.append({"year": year, "count": count, "new": sum(1 for y in reached_years if y == year)})
    total = total if total is not None else len(communes)
    reached = len(reached_years)
    return {
        "years": years,
        "target": total,
        "communes": len(communes),
        "reached_by_target_year": years[-1]["count"] if years else 0,
        "reached": reached,  # any year, including after the target year
        "reached_without_year": without_year,
        "not_reached": len(communes) - reached - without_year,
        "feature_ids": sorted(str(f.get("id")) for f in communes),
    }


# -- what the dashboard shows ---------------------------------------------------------------

def _unit(obj: dict, lang: str):
    unit = obj.get("unit")
    if isinstance(unit, dict):
        return unit.get(lang) or unit.get("vi") or ""
    return unit or ""


def summarise_targets(doc: dict, features, lang: str = "vi") -> dict:
    """The targets in the reader's language, with recorded values and target 11 computed."""
    out = []
    for t in sorted(doc["targets"], key=lambda t: t["number"]):
        unit = _unit(t, lang)
        parts = []
        for p in t["parts"]:
            part = {"key": p["key"], "label": p.get("label_vi" if lang == "vi" else "label_en") or p["key"],
                    "unit": _unit(p, lang) or unit}
            for k in ("value", "min", "max", "of"):
                if k in p:
                    part[k] = p[k]
            parts.append(part)
        values = sorted(t["values"], key=lambda v: (v["year"], 0 if v.get("period") == "H1" else 1))
        item = {
            "number": t["number"],
            "text": t["text_vi"] if lang == "vi" else t["text_en"],
            "text_vi": t["text_vi"],
            "text_en": t["text_en"],
            "kind": t.get("kind"),
            "unit": unit,
            "parts": parts,
            "values": values,
            "latest": _latest(values, parts),
            "computed": None,
        }
        if t.get("computed_from"):
            of = next((p.get("of") or p.get("value") for p in t["parts"] if p.get("of") or p.get("value")), None)
            item["computed"] = ntm_progress(features, t["computed_from"], total=of)
            cf = t["computed_from"]
            item["computed_note"] = cf.get("note_vi" if lang == "vi" else "note_en", "")
            item["computed_from"] = {k: v for k, v in cf.items() if not k.startswith("note_")}
        out.append(item)
    source = doc.get("source", {})
    return {
        "section": source.get("section", "II.3"),
        "target_year": source.get("target_year", 2020),
        "heading": source.get("heading_vi" if lang == "vi" else "heading_en", ""),
        "reporting_section": source.get("reporting_section", "IV.4"),
        "reporting": source.get("reporting_vi" if lang == "vi" else "reporting_en", ""),
        "targets": out,
        "recorded_values": sum(len(t["values"]) for t in out),
    }


def _latest(values, parts):
    """The latest recorded value of each part: {part key: value entry} (empty when none)."""
    latest = {}
    for v in values:  # sorted oldest first, so later ones win
        latest[v["part"]] = v
    return {p["key"]: latest[p["key"]] for p in parts if p["key"] in latest}


def ntm_features(features, doc: dict) -> list[dict]:
    """The commune features target 11 is computed from (for the small map)."""
    cf = next((t["computed_from"] for t in doc["targets"] if t.get("computed_from")), {})
    sector = cf.get("sector", "rural.ntm")
    return [f for f in features if (f.get("properties") or {}).get("sector") == sector]


# -- recorded values: the rules of a record, and target vs actual by year --------------------------
#
# Planners record values (gis/store/target_values.py keeps every record; a correction is a new
# record and the latest one of a target/part/year/period is its current value). The functions
# below are pure: the repository and the web layer call them.

FIRST_YEAR = 2016  # the plan's period starts in 2016
SOURCE_MAX = 500
NOTE_MAX = 2000
VALUE_LIMIT = 1e15  # far above any target (300,000 billion VND), far below what a column cannot hold
RECORDING_ROLES = ("admin",)  # the Department of Planning and Investment's planners


def this_year() -> int:
    return dt.datetime.now(VIETNAM).year


def may_record(user) -> bool:
    """Who may record target values: admins (the department's planners) only."""
    return user is not None and getattr(user, "role", None) in RECORDING_ROLES


def target_of(doc: dict, number) -> dict | None:
    return next((t for t in doc["targets"] if t["number"] == number), None)


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(text: str, gettext=None) -> float:
    """A number typed in a form: a decimal point or comma, no thousands separators.

    "280.000" is refused (a Vietnamese reader means 280 thousand, an English one 280): a
    single separator followed by exactly three digits is ambiguous. Raises ValueError
    with a message for people.
    """
    _ = gettext or untranslated
    clean = "".join(str(text or "").split())
    if not _NUMBER.match(clean):
        raise ValueError(_("Enter a number such as 7.5 or 7,5, without thousands separators."))
    whole, _sep, decimals = clean.replace(",", ".").partition(".")
    if len(decimals) == 3 and whole.lstrip("+-") not in ("0", ""):
        raise ValueError(_("%(number)s is ambiguous: write thousands without a separator (280000); for a decimal, "
                           "add a zero (1.2340).", number=clean))
    return float(clean.replace(",", "."))


def clean_record(doc: dict, *, target, part, year, period, value, source, note=None, user=None,
                 gettext=None, current_year: int | None = None) -> dict:
    """A record checked against the targets document, or Invalid naming every bad field.

    target: a known target that is not computed from the data (target 11); part: one of its
    parts (may be left out when it has only one); year: FIRST_YEAR .. this year; period:
    "year" or "H1"; value: a finite number; source: the report it comes from (1-500
    characters); note: up to 2000 characters.
    """
    _ = gettext or untranslated
    problems: dict = {}

    def bad(field, message):
        problems.setdefault(field, []).append(message)

    t = target_of(doc, target) if isinstance(target, int) and not isinstance(target, bool) else None
    if t is None:
        bad("target", _("There is no target %(number)s (the plan has targets 1 to %(count)s).",
                        number=target, count=len(doc["targets"])))
    elif t.get("computed_from"):
        bad("target", _("Target %(number)s is computed from the commune data on the map; it takes no typed "
                        "values.", number=target))
    keys = [p["key"] for p in t["parts"]] if t else []
    if t and part in (None, "") and len(keys) == 1:
        part = keys[0]
    if t and part not in keys:
        bad("part", _("Choose one of the parts of target %(number)s: %(parts)s.", number=target,
                      parts=", ".join(keys)))
    last = current_year or this_year()
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= last:
        bad("year", _("The year must be a whole number from %(first)s to %(last)s.", first=FIRST_YEAR, last=last))
    if period not in PERIODS:
        bad("period", _("The period must be the whole year or the first half (H1)."))
    if not _is_number(value) or abs(value) >= VALUE_LIMIT or not math.isfinite(value):  # no float(10**400)
        bad("value", _("The value must be a number."))
    source = source.strip() if isinstance(source, str) else source
    if not isinstance(source, str) or not source:
        bad("source", _("Give the source: the report the value comes from."))
    elif len(source) > SOURCE_MAX or "\x00" in source:
        bad("source", _("The source may hold at most %(max)s characters.", max=SOURCE_MAX))
    note = note.strip() if isinstance(note, str) else note
    if note is not None and not isinstance(note, str):
        bad("note", _("The note must be text."))
    elif note and (len(note) > NOTE_MAX or "\x00" in note):
        bad("note", _("The note may hold at most %(max)s characters.", max=NOTE_MAX))
    if user is not None and (not isinstance(user, str) or not user.strip()):
        bad("user", _("A record needs the account that made it."))
    if problems:
        from gis.errors import Invalid

        raise Invalid("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in problems.items()), problems)
    return {"target": target, "part": part, "year": year, "period": period, "value": float(value),
            "source": source, "note": note or None, "user": user}


def initial_records(doc: dict) -> list[dict]:
    """The values written in data/targets.json, as the first records (older than any stored one)."""
    out = []
    for t in doc["targets"]:
        for v in t.get("values") or []:
            out.append({"id": None, "target": t["number"], "part": v["part"], "year": v["year"],
                        "period": v.get("period", "year"), "value": v["value"], "source": v["source"],
                        "note": v.get("note"), "user": "", "recorded_at": None, "initial": True})
    return out


def record_key(r: dict) -> tuple:
    return (r["target"], r["part"], r["year"], r["period"])


def period_end(year: int, period: str) -> dt.date:
    return dt.date(year, 6, 30) if period == "H1" else dt.date(year, 12, 31)


def current_values(records, until: dt.date | None = None) -> list[dict]:
    """The current value of each target/part/year/period: its latest record (records oldest
    first). ``until``: only periods that had ended by that date."""
    latest: dict = {}
    for r in records:
        latest[record_key(r)] = r
    out = [r for r in latest.values() if until is None or period_end(r["year"], r["period"]) <= until]
    return sorted(out, key=lambda r: (r["target"], r["year"], 0 if r["period"] == "H1" else 1, r["part"]))


def with_values(doc: dict, records, until: dt.date | None = None) -> dict:
    """The targets document with each target's "values" replaced by the current recorded values
    (what ``summarise_targets`` and the report's spreadsheet read)."""
    out = copy.deepcopy(doc)
    by_target: dict = {}
    for r in current_values(records, until):
        by_target.setdefault(r["target"], []).append(
            {"year": r["year"], "period": r["period"], "part": r["part"], "value": r["value"], "source": r["source"]})
    for t in out["targets"]:
        t["values"] = [] if t.get("computed_from") else by_target.get(t["number"], [])
    return out


def _goal(part: dict) -> dict:
    return {k: part[k] for k in ("value", "min", "max", "of") if k in part}


def _reaches(goal: dict, actual) -> bool:
    """At least the target value, or the lower end of a range (above a range is still met)."""
    return actual >= goal.get("min", goal.get("value"))


def _is_structure(t: dict) -> bool:
    """Shares of one whole (target 3: the economy's structure): shown, not judged met or not."""
    values = [p.get("value") for p in t["parts"]]
    return len(values) > 1 and all(_is_number(v) for v in values) and abs(sum(values) - 100) < 0.01


def _cumulative_parts(t: dict) -> set:
    """Parts of a total over the plan's period (kind "total") in the target's own unit: judged
    on the running sum of the yearly values."""
    if t.get("kind") != "total":
        return set()
    return {p["key"] for p in t["parts"] if "unit" not in p}


def progress_by_year(doc: dict, records, features, lang: str = "vi", *, until: dt.date | None = None) -> dict:
    """Target vs actual by year, per target and part.

    records: every record (oldest first, e.g. TargetValues.records()); features: the
    projects (target 11 is computed from the ``rural.ntm`` communes, as ``ntm_progress``);
    until: only values of periods ended by that date, and years up to its year (a report).

    Years run from 2016 to the target year (2020), and on to the latest year recorded.
    A year's cell is its full-year value, else its first-half (H1) value; ``met`` says
    whether a full-year value reaches the target (None: no value, a first-half value, or a
    target not judged per year). Totals over the plan's period (target 4, target 5's
    total) are judged on the running sum of the yearly values: met once it reaches the
    total, not met when the period's last year falls short.
    """
    values = current_values(records, until)
    target_year = doc.get("source", {}).get("target_year", 2020)
    last = max([target_year] + [v["year"] for v in values])
    if until is not None:
        last = min(last, until.year)
    years = list(range(FIRST_YEAR, last + 1))
    by_key = {record_key(v): v for v in values}
    summary = summarise_targets(doc, [], lang)  # texts, units and labels in the reader's language
    out = []
    for t, s in zip(sorted(doc["targets"], key=lambda t: t["number"]), summary["targets"]):
        item = {"number": t["number"], "text": s["text"], "text_vi": s["text_vi"], "text_en": s["text_en"],
                "kind": t.get("kind"), "unit": s["unit"], "computed": bool(t.get("computed_from")),
                "judged": not _is_structure(t), "recorded": 0, "parts": []}
        cumulative = _cumulative_parts(t)
        computed = None
        if t.get("computed_from"):
            cf = dict(t["computed_from"], years=(FIRST_YEAR, last))
            of = next((p.get("of") or p.get("value") for p in t["parts"] if p.get("of") or p.get("value")), None)
            computed = {y["year"]: y["count"] for y in ntm_progress(features, cf, total=of)["years"]}
            item["computed_note"] = s.get("computed_note", "")
        for p, sp in zip(t["parts"], s["parts"]):
            goal = _goal(p)
            part = {"key": p["key"], "label": sp["label"], "unit": sp["unit"], "goal": goal,
                    "cumulative": p["key"] in cumulative, "years": []}
            running, period_years = 0.0, t.get("period") or (FIRST_YEAR, target_year)
            for year in years:
                cell = {"year": year, "value": None, "period": None, "met": None}
                if computed is not None:
                    if until is None or period_end(year, "year") <= until:
                        cell.update(value=computed[year], period="computed", met=computed[year] >= goal["value"])
                else:
                    v = by_key.get((t["number"], p["key"], year, "year")) or by_key.get(
                        (t["number"], p["key"], year, "H1"))
                    if v is not None:
                        item["recorded"] += 1
                        cell.update(value=v["value"], period=v["period"], source=v["source"], note=v.get("note"),
                                    user=v.get("user"), recorded_at=v.get("recorded_at"))
                        if part["cumulative"] and year <= period_years[1]:
                            running += v["value"]
                            cell["cumulative"] = running
                            if _reaches(goal, running):
                                cell["met"] = True
                            elif year == period_years[1] and v["period"] == "year":
                                cell["met"] = False  # the period is over and the total falls short
                        elif item["judged"] and v["period"] == "year" and not part["cumulative"]:
                            cell["met"] = _reaches(goal, v["value"])
                part["years"].append(cell)
            item["parts"].append(part)
        out.append(item)
    return {"section": summary["section"], "target_year": target_year, "first_year": FIRST_YEAR, "years": years,
            "until": until.isoformat() if until else None, "heading": summary["heading"],
            "reporting_section": summary["reporting_section"], "targets": out,
            "recorded_values": sum(t["recorded"] for t in out)}


JSON_FIELDS = ("part", "year", "period", "value", "source", "note")
MAX_BODY = 100_000


def record_from_json(body: bytes, content_type) -> dict:
    """The fields of ``POST /api/targets/<n>/values`` from its JSON body:
    ``{"part", "year", "period" (default "year"), "value", "source", "note"}``. A body that is
    not a JSON object, or holds other keys, is a 400 (the values themselves are checked by
    ``clean_record``: 422)."""
    from gis.errors import BadRequest, TooLarge, UnsupportedMediaType

    if len(body or b"") > MAX_BODY:
        raise TooLarge(f"the body is larger than {MAX_BODY} bytes")
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("send JSON (Content-Type: application/json)")
    try:
        doc = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(doc, dict):
        raise BadRequest('the body must be a JSON object: {"part": ..., "year": 2018, "period": "year", '
                         '"value": 7.9, "source": "...", "note": "..."}')
    unknown = sorted(set(doc) - set(JSON_FIELDS))
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(map(str, unknown))} (allowed: {', '.join(JSON_FIELDS)})")
    return {"part": doc.get("part"), "year": doc.get("year"), "period": doc.get("period", "year"),
            "value": doc.get("value"), "source": doc.get("source"), "note": doc.get("note")}
