"""The projects as an OC4IDS 0.9 project package (Open Contracting for Infrastructure Data Standard). No Flask.

``project_package(features, ...)`` maps our GeoJSON features to OC4IDS projects. Where our
codes are not OC4IDS codes they map to the nearest one (``STATUS`` and ``SECTOR`` below,
documented in docs/reports.md), and our own code is kept in ``additionalClassifications``
so nothing is lost. Dates given only as a year or a month become the first (start) or
last (end) moment of that year or month, in Vietnam time (UTC+7).
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from gis import schema
from gis.dashboard import last_day
from gis.reports.content import ISSUER

VERSION = "0.9"  # major.minor, as the package schema asks
ID_PREFIX = "oc4ids-cantho-"  # not a registered OC4IDS prefix: see docs/reports.md
PARTY_PREFIX = "cantho-agency-"
CURRENCY = "VND"
TZ = "+07:00"
LICENSE_URL = None  # no licence has been chosen for the project data yet: the package omits "license"

PUBLISHER = ISSUER  # the Department of Planning and Investment publishes the reports and this package

# Our status -> OC4IDS projectStatus (closed codelist). OC4IDS has no phase after completion:
# "maintenance" (in operation: built and handed over) is nearest to "completion".
STATUS = {
    "identification": "identification",
    "preparation": "preparation",
    "implementation": "implementation",
    "completion": "completion",
    "maintenance": "completion",
    "cancelled": "cancelled",
}

# Our sector -> OC4IDS projectSector (open codelist); a subsector code comes with its parent.
SECTOR = {
    "transport.road": ["transport", "transport.road"],
    "transport.rail": ["transport", "transport.rail"],
    "transport.water": ["transport", "transport.water"],
    "transport.air": ["transport", "transport.air"],
    "tourism": ["cultureSportsAndRecreation"],
    "economy.industry": ["economy"],
    "economy.hitech": ["economy"],
    "economy.logistics": ["transport"],
    "economy.trade": ["economy"],
    "rural.ntm": ["economy"],
}
LOCAL_SECTOR_SCHEME = "x-cantho-sector"
LOCAL_STATUS_SCHEME = "x-cantho-status"


def _date_time(value, *, end: bool) -> str | None:
    """An OC4IDS date-time from a possibly partial ISO date ("2017", "2017-05", "2017-05-19")."""
    text = str(value or "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", text)
    if not m:
        return None
    try:
        day = last_day(text) if end else dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
    if day is None:
        return None
    return f"{day.isoformat()}T{'23:59:59' if end else '00:00:00'}{TZ}"


def _precision_note(value, lang: str) -> str | None:
    text = str(value or "")
    if len(text) == 4:
        return f"Ngày chỉ biết đến năm: {text}" if lang == "vi" else f"Date known only to the year: {text}"
    if len(text) == 7:
        return f"Ngày chỉ biết đến tháng: {text}" if lang == "vi" else f"Date known only to the month: {text}"
    return None


def _uri(text: str) -> str:
    """A source URL as an RFC 3986 URI (non-ASCII characters percent-encoded)."""
    return quote(text.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def _text(props: dict, field: str, lang: str) -> str | None:
    first, second = (f"{field}_vi", f"{field}_en") if lang == "vi" else (f"{field}_en", f"{field}_vi")
    value = props.get(first) or props.get(second)
    return value.strip() if isinstance(value, str) and value.strip() else None


def party(agency: str, lang: str) -> dict:
    return {"id": PARTY_PREFIX + agency, "name": schema.code_title("lead_agency", agency, lang)}


def project(feature: dict, lang: str = "vi", base_url: str | None = None) -> dict:
    """One OC4IDS project from one of our features."""
    p = feature.get("properties") or {}
    slug = str(feature.get("id") or p.get("id"))
    out: dict = {"id": ID_PREFIX + slug}
    if p.get("updated_at"):
        out["updated"] = p["updated_at"]
    title = _text(p, "name", lang)
    if title:
        out["title"] = title
    description = _text(p, "description", lang)
    if description:
        out["description"] = description
    if p.get("status") in STATUS:
        out["status"] = STATUS[p["status"]]
    if p.get("sector") in SECTOR:
        out["sector"] = list(SECTOR[p["sector"]])
    classes = []
    if p.get("sector"):
        classes.append({"scheme": LOCAL_SECTOR_SCHEME, "id": p["sector"],
                        "description": schema.code_title("sector", p["sector"], lang)})
    if p.get("status"):
        classes.append({"scheme": LOCAL_STATUS_SCHEME, "id": p["status"],
                        "description": schema.code_title("status", p["status"], lang)})
    if classes:
        out["additionalClassifications"] = classes
    period = {}
    start, end = _date_time(p.get("planned_start"), end=False), _date_time(p.get("planned_end"), end=True)
    if start:
        period["startDate"] = start
    if end:
        period["endDate"] = end
    if period:
        out["period"] = period
    if feature.get("geometry"):
        location = {"id": "1", "geometry": {"type": feature["geometry"]["type"],
                                            "coordinates": feature["geometry"]["coordinates"]}}
        districts = [schema.code_title("districts", d, lang) for d in p.get("districts") or []]
        description = "; ".join(x for x in (", ".join(districts), p.get("location_note") or "") if x)
        if description:
            location["description"] = description
        location["address"] = {"region": "Cần Thơ", "countryName": "Việt Nam" if lang == "vi" else "Viet Nam"}
        if districts:
            location["address"]["locality"] = ", ".join(districts)
        out["locations"] = [location]
    if isinstance(p.get("investment_vnd"), int) and not isinstance(p["investment_vnd"], bool):
        out["budget"] = {"amount": {"amount": p["investment_vnd"], "currency": CURRENCY}}
    if p.get("lead_agency"):
        lead = party(p["lead_agency"], lang)
        out["parties"] = [{**lead, "roles": ["publicAuthority"]}]
        out["publicAuthority"] = lead
    actual_end = _date_time(p.get("actual_end"), end=True)
    if actual_end:
        out["completion"] = {"endDate": actual_end}
        note = _precision_note(p.get("actual_end"), lang)
        if note:
            out["completion"]["endDateDetails"] = note
    documents = []
    for i, source in enumerate(p.get("sources") or [], start=1):
        if not isinstance(source, str) or not source.strip():
            continue
        if re.match(r"^https?://", source.strip()):
            documents.append({"id": str(i), "url": _uri(source)})
        else:
            documents.append({"id": str(i), "title": source.strip()})
    if base_url:
        documents.append({"id": "page", "title": "Trang dự án" if lang == "vi" else "Project page",
                          "url": _uri(f"{base_url.rstrip('/')}/projects/{quote(slug)}")})
    if documents:
        out["documents"] = documents
    return out


def project_package(features, *, uri: str, lang: str = "vi", base_url: str | None = None,
                    license_url: str | None = None, published: str | None = None) -> dict:
    """An OC4IDS project package of ``features`` (archived ones should be left out by the caller).

    uri: where this package is served (the request's URL); published: the package date,
    by default the latest ``updated_at`` of the projects (the package is built on demand).
    The schema asks for at least one project: an empty selection still returns a package
    with ``projects: []``, which a validator would flag (the caller may choose a 404).
    """
    features = [f for f in features if isinstance(f, dict)]
    stamps = sorted(str((f.get("properties") or {}).get("updated_at") or "") for f in features)
    published = published or (stamps[-1] if stamps and stamps[-1] else
                              dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    package = {
        "version": VERSION,
        "uri": uri,
        "publishedDate": published,
        "publisher": {"name": PUBLISHER.get(lang, PUBLISHER["vi"])},
    }
    if license_url:
        package["license"] = license_url
    package["projects"] = [project(f, lang, base_url) for f in features]
    return package
