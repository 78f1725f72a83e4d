"""Changing projects: rights, validation with the data model, history. No Flask.

The edit form and ``PATCH /api/projects/<id>`` both end in ``update_project`` here, so
they share rights, validation and history.
"""
from __future__ import annotations

import re

from gis import accounts, schema
from gis.errors import Invalid

# What the edit form offers (the API may also change names, districts, notes...).
FORM_FIELDS = ("status", "progress", "planned_start", "planned_end", "actual_start", "actual_end",
               "investment_vnd", "disbursed_vnd", "description_vi", "description_en", "sources")
INTEGER_FIELDS = ("progress", "investment_vnd", "disbursed_vnd", "ntm_year")
LIST_FIELDS = ("sources", "districts")
READ_ONLY = ("id", "version", "updated_at", "archived")
ADMIN_ONLY = ("lead_agency",)
MAX_NOTE = 2000


class Forbidden(Exception):
    """Raised to the web layer, which answers 403."""


def parse_form(form) -> tuple[dict, dict]:
    """(changes, errors) from form strings: blanks become null, numbers are parsed."""
    changes, errors = {}, {}
    for field in FORM_FIELDS:
        if field not in form:
            continue
        raw = (form.get(field) or "").strip()
        if field in LIST_FIELDS:
            changes[field] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif field in INTEGER_FIELDS:
            if raw == "":
                changes[field] = None
            else:
                digits = re.sub(r"[\s.,]", "", raw) if field != "progress" else raw
                try:
                    changes[field] = int(digits)
                except ValueError:
                    errors[field] = ["must be a whole number"]
        else:
            changes[field] = raw or None
    return changes, errors


def check_note(note) -> str:
    if note is not None and not isinstance(note, str):
        raise Invalid("the note must be text", {"note": ["must be text"]})
    note = (note or "").strip()
    if not note:
        raise Invalid("a note saying why this changed is required", {"note": ["is required"]})
    if len(note) > MAX_NOTE:
        raise Invalid(f"the note is longer than {MAX_NOTE} characters", {"note": [f"at most {MAX_NOTE} characters"]})
    return note


def field_errors(feature: dict) -> dict:
    errors: dict = {}
    for p in schema.validate_feature(feature):
        errors.setdefault(p.field or "feature", []).append(p.message)
    return errors


def merged(current: dict, changes: dict) -> dict:
    props = {k: v for k, v in current["properties"].items() if k not in ("version", "updated_at", "archived")}
    for key, value in changes.items():
        if key != "geometry":
            props[key] = value
    return {"type": "Feature", "id": current["id"], "properties": props,
            "geometry": changes.get("geometry", current["geometry"])}


def check_changes(user, current: dict, changes: dict) -> None:
    """Rights, then the data model. Raises Forbidden or Invalid (with every bad field)."""
    if not accounts.can_edit(user, current):
        raise Forbidden(f"{user.email if user else 'anonymous'} may not edit {current['id']}")
    bad_keys = [k for k in changes if k in READ_ONLY]
    if bad_keys:
        raise Invalid(f"read-only field(s): {', '.join(bad_keys)}", {k: ["is read-only"] for k in bad_keys})
    if not accounts.is_admin(user) and any(k in changes for k in ADMIN_ONLY):
        raise Forbidden("only the Department of Planning and Investment can move a project to another agency")
    unknown = [k for k in changes if k != "geometry" and k not in {f.name for f in schema.fields()}]
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(unknown)}", {k: ["unknown field"] for k in unknown})
    after = merged(current, changes)
    errors = field_errors(after)
    new_status = changes.get("status")
    if (new_status in schema.STATUSES_NEEDING_ACTUAL_END and new_status != current["properties"].get("status")
            and not after["properties"].get("actual_end")):
        # Whoever declares a project completed or in operation says when.
        errors.setdefault("actual_end", []).append(f"status {new_status} needs the actual completion date")
    if errors:
        raise Invalid("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)


def update_project(store, user, project_id: str, changes: dict, *, expected_version: int, note: str,
                   action: str = "update") -> dict:
    """Check and apply; Conflict (from the store) when expected_version is stale."""
    note = check_note(note)
    current = store.get_project(project_id)
    check_changes(user, current, changes)
    return store.update_project(project_id, changes, expected_version=expected_version,
                                user=user.email, note=note, action=action)


def create_project(store, user, feature: dict, note: str) -> dict:
    note = check_note(note)
    lead = (feature.get("properties") or {}).get("lead_agency")
    if not accounts.can_create(user, lead):
        raise Forbidden("editors can only create projects of their own agency")
    visible = {**feature, "properties": {k: v for k, v in (feature.get("properties") or {}).items() if k != "archived"}}
    errors = field_errors(visible)
    if errors:
        raise Invalid("; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    return store.create_project(feature, user=user.email, note=note)


def set_archived(store, user, project_id: str, archived: bool, *, expected_version: int, note: str) -> dict:
    note = check_note(note)
    current = store.get_project(project_id)
    if not accounts.can_edit(user, current):
        raise Forbidden("no right to archive this project")
    return store.update_project(project_id, {"archived": archived}, expected_version=expected_version,
                                user=user.email, note=note, action="archive" if archived else "unarchive")


def confirm_project(store, user, project_id: str, *, expected_version: int, note: str = "") -> dict:
    """The record was checked and is still right (clears the stale flag); no field changes."""
    if note is not None and not isinstance(note, str):
        raise Invalid("the note must be text", {"note": ["must be text"]})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"the note is longer than {MAX_NOTE} characters", {"note": [f"at most {MAX_NOTE} characters"]})
    current = store.get_project(project_id)
    if not accounts.can_edit(user, current):
        raise Forbidden("no right to confirm this project")
    return store.confirm_project(project_id, expected_version=expected_version, user=user.email, note=note)


def restore_version(store, user, project_id: str, version: int, *, expected_version: int, note: str) -> dict:
    """Admins bring back an earlier version; recorded as a new history entry."""
    from gis.history import changes_between, state_at_version

    note = check_note(note)
    if not accounts.is_admin(user):
        raise Forbidden("only administrators restore earlier versions")
    current = store.get_project(project_id)
    entries = store.history(project_id, limit=100000)
    target = state_at_version(current, entries, version)
    changes = changes_between(current, target)
    if not changes:
        raise Invalid(f"version {version} is the same as the current one", {"version": ["no difference"]})
    errors = field_errors(merged(current, changes))
    if errors:
        raise Invalid("the earlier version does not pass today's rules: " +
                      "; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    return store.update_project(project_id, changes, expected_version=expected_version, user=user.email,
                                note=f"{note} (restored version {version})", action="restore")

