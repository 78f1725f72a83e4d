"""Reading the history table: a project at an earlier version, and Atom feeds. No Flask."""
from __future__ import annotations

import copy
import datetime as dt
import xml.etree.ElementTree as ET

from gis.errors import NotFound
from gis.formatting import VIETNAM

STORE_MANAGED = ("version", "updated_at", "archived")
NO_VERSION = ("milestone", "confirm")  # history rows that describe or check a version without making one


def local_moment(changed_at: str) -> dt.datetime:
    """A history timestamp (ISO 8601, UTC) as Vietnam time (UTC+7)."""
    moment = dt.datetime.fromisoformat(str(changed_at).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VIETNAM)


def local_date(changed_at: str) -> dt.date:
    """The date in Vietnam of a history timestamp."""
    return local_moment(changed_at).date()


def state_at_version(current: dict, entries, version: int) -> dict:
    """The feature as it was right after ``version``, undoing later changes newest first.

    ``entries`` are the project's HistoryEntry rows (any order). Raises NotFound for a
    version the history does not hold.
    """
    versions = {e.version for e in entries}
    if version not in versions and version != current["properties"]["version"]:
        raise NotFound(f"project {current['id']} has no version {version}")
    feature = copy.deepcopy(current)
    for entry in sorted(entries, key=lambda e: e.version, reverse=True):
        if entry.version <= version:
            break
        for field, (old, _new) in entry.changes.items():
            if field == "geometry":
                feature["geometry"] = old
            elif old is None:
                feature["properties"].pop(field, None)
            else:
                feature["properties"][field] = old
    feature["properties"]["version"] = version
    return feature


def _undo(feature: dict, changes: dict) -> None:
    for field, (old, _new) in changes.items():
        if field == "geometry":
            feature["geometry"] = old
        elif field == "archived":
            if old:
                feature["properties"]["archived"] = True
            else:
                feature["properties"].pop("archived", None)
        elif old is None:
            feature["properties"].pop(field, None)
        else:
            feature["properties"][field] = old


def state_at_date(current: dict, entries, day: dt.date) -> tuple[dict | None, str]:
    """The feature as it was at the end of ``day`` (Vietnam time), and how that is known.

    Undoes, newest first, every history entry dated after ``day``. Returns ``(None, "not_yet")`` when the project was created
    after ``day``; otherwise ``(feature, basis)`` with basis "recorded" (from entries
    recorded by then, or nothing changed since), "milestones" (from the dated milestones
    of the sources) or "first_recorded" (the history holds nothing that early: the project
    is shown as first recorded). Archived features keep ``archived: true``: the caller
    decides whether to show them.
    """
    feature = copy.deepcopy(current)
    basis = "recorded"
    version = feature["properties"].get("version")
    for entry in sorted(entries, key=lambda e: (e.changed_at, e.id), reverse=True):
        if local_date(entry.changed_at) <= day:
            if basis == "first_recorded" and entry.action == "milestone":
                basis = "milestones"  # an earlier milestone tells the state on that day
            break
        if entry.action == "create":
            return None, "not_yet"
        if entry.action == "seed":
            basis = "first_recorded"
        elif entry.action == "milestone":
            basis = "milestones"
        _undo(feature, entry.changes)
        if entry.action not in NO_VERSION:
            version = max(entry.version - 1, 1)
    feature["properties"]["version"] = version
    return feature, basis


def by_project(entries) -> dict:
    """{project id (text): its HistoryEntry rows} from the whole history (any order)."""
    out: dict = {}
    for e in entries:
        out.setdefault(str(e.project_id), []).append(e)
    return out


def states_at_date(features, entries, day: dt.date) -> tuple[list[dict], dict]:
    """Every project as it was at the end of ``day``, public ones only, and what the history could not tell.

    features: current features, archived included; entries: the whole history (any order).
    Returns (features, {"first_recorded": [ids], "milestones": [ids]}).
    """
    entries_of = by_project(entries)
    out, info = [], {"first_recorded": [], "milestones": []}
    for current in features:
        pid = str(current.get("id"))
        feature, basis = state_at_date(current, entries_of.get(pid, []), day)
        if feature is None or feature["properties"].get("archived"):
            continue
        if basis in info:
            info[basis].append(pid)
        out.append(feature)
    return out, info


def changes_between(current: dict, target: dict) -> dict:
    """The update that turns ``current`` into ``target`` (properties and geometry)."""
    changes = {}
    cur, tgt = current["properties"], target["properties"]
    for key in sorted(set(cur) | set(tgt)):
        if key in STORE_MANAGED or key == "id":
            continue
        if cur.get(key) != tgt.get(key):
            changes[key] = tgt.get(key)
    if current["geometry"] != target["geometry"]:
        changes["geometry"] = target["geometry"]
    return changes


ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(*, title: str, feed_id: str, self_url: str, alternate_url: str, entries: list[dict],
              updated: str) -> bytes:
    """An Atom 1.0 feed. ``entries``: dicts with id, title, updated, link, summary, author.

    Built with ElementTree, so every value is escaped as XML text.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=alternate_url, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Cần Thơ key-projects map"
    for e in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}id").text = e["id"]
        ET.SubElement(item, f"{{{ATOM}}}title").text = e["title"]
        ET.SubElement(item, f"{{{ATOM}}}updated").text = e["updated"]
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=e["link"], type="text/html")
        a = ET.SubElement(item, f"{{{ATOM}}}author")
        ET.SubElement(a, f"{{{ATOM}}}name").text = e.get("author") or "—"
        ET.SubElement(item, f"{{{ATOM}}}summary", type="text").text = e.get("summary") or ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")).encode("utf-8")
