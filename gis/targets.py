"""The plan's 13 targets for 2020 (section II.3), kept in data/targets.json. No Flask.

Achieved values are recorded by planners from the reports the plan asks for (every
6 months and every year, section IV.4); nothing here estimates one. Target 11 (all 36
communes meet the new-rural standard) is the exception: it is computed from the
commune data (``rural.ntm`` projects), never typed in.
"""
from __future__ import annotations

import json
import numbers
import os
from functools import lru_cache

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
