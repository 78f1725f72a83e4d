"""Reading the history table: a project at an earlier version, and Atom feeds. No Flask."""
from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from gis.errors import NotFound

STORE_MANAGED = ("version", "updated_at", "archived")


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
