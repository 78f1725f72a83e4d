"""Atom feeds of status changes, per project, per agency and per district. No Flask.

Journalists and citizens follow a project (or everything an agency leads, or everything
in a district) without an account. An entry is a history row that changed a project's
status: an edit, a creation, or a dated milestone from the sources. Only public projects
appear: drafts and archived projects are left out, and so are their rows.
"""
from __future__ import annotations

from gis import schema
from gis.dashboard import project_name
from gis.history import atom_feed

LIMIT = 100
KINDS = ("project", "agency", "district")


def _selected(feature: dict, kind: str | None, code: str | None) -> bool:
    props = feature.get("properties") or {}
    if kind is None:
        return True
    if kind == "project":
        return feature.get("id") == code
    if kind == "agency":
        return props.get("lead_agency") == code
    return code in (props.get("districts") or [])


def status_changes(entries, features, *, kind: str | None = None, code: str | None = None,
                   lang: str = "vi", limit: int = LIMIT) -> list[dict]:
    """The status changes of the selected public projects, newest first (by date, then id).

    Returns dicts: entry (HistoryEntry), project_id, name, old, new (codes), old_title, new_title.
    """
    public = {f["id"]: f for f in features
              if not (f.get("properties") or {}).get("archived") and _selected(f, kind, code)}
    rows = []
    for e in entries:
        feature = public.get(e.project_id)
        if feature is None or "status" not in (e.changes or {}):
            continue
        old, new = e.changes["status"]
        rows.append({"entry": e, "project_id": e.project_id, "name": project_name(feature["properties"], lang),
                     "old": old, "new": new,
                     "old_title": schema.code_title("status", old, lang) if old else None,
                     "new_title": schema.code_title("status", new, lang)})
    rows.sort(key=lambda r: (r["entry"].changed_at, r["entry"].id), reverse=True)
    return rows[:limit]


def feed_title(kind: str | None, code: str | None, features, lang: str, _) -> str:
    """What the feed follows, for its title (raises KeyError for an unknown code)."""
    if kind is None:
        return _("Cần Thơ key projects: status changes")
    if kind == "project":
        feature = next(f for f in features if f["id"] == code)
        what = project_name(feature["properties"], lang)
    elif kind == "agency":
        if code not in schema.codes("lead_agency"):
            raise KeyError(code)
        what = schema.code_title("lead_agency", code, lang)
    else:
        if code not in schema.codes("districts"):
            raise KeyError(code)
        what = schema.code_title("districts", code, lang)
    return _("Status changes: %(what)s", what=what)


def render(rows: list[dict], *, title: str, feed_id: str, self_url: str, alternate_url: str,
           project_url, _) -> bytes:
    """The Atom document. ``project_url(id)`` gives the absolute link of a project's page."""
    entries = []
    for r in rows:
        e = r["entry"]
        change = f"{r['old_title']} → {r['new_title']}" if r["old_title"] else r["new_title"]
        summary = change if not e.note or e.action == "milestone" else f"{change}. {e.note}"
        if e.action == "milestone":
            summary = f"{change} ({_('dated milestone from the sources')}: {e.note})"
        entries.append({"id": f"urn:cantho-key-projects:history:{e.id}", "title": f"{r['name']}: {change}",
                        "updated": e.changed_at, "link": project_url(r["project_id"]),
                        "author": e.user if e.action not in ("milestone", "seed") else _("the plan's data"),
                        "summary": summary})
    updated = rows[0]["entry"].changed_at if rows else "2017-01-16T00:00:00Z"  # the plan's date
    return atom_feed(title=title, feed_id=feed_id, self_url=self_url, alternate_url=alternate_url,
                     entries=entries, updated=updated)
