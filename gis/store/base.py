"""The storage interface shared by the embedded (SQLite) and PostGIS backends.

A *feature* crossing this interface is a GeoJSON Feature dict:
``{"type": "Feature", "id": str, "geometry": {...}, "properties": {...}}``
where ``properties`` follows gis/project.schema.json. The store adds two read-only
properties on the way out: ``version`` (int, starts at 1, +1 per change) and
``updated_at`` (ISO 8601 UTC, second precision, ``Z`` suffix).

Every write is one transaction: the project row and its history row commit together
or not at all. Validation is the caller's job (gis.schema) except optimistic
locking, which only the store can do atomically.
"""
from __future__ import annotations

import abc
import dataclasses
from typing import Optional, Sequence


@dataclasses.dataclass(frozen=True)
class ProjectQuery:
    """Filters for listing projects. Empty tuples mean "no filter"; values in one
    field are OR-ed, fields are AND-ed."""

    status: tuple = ()
    sector: tuple = ()
    lead_agency: tuple = ()
    bbox: Optional[tuple] = None  # (minlon, minlat, maxlon, maxlat), WGS84
    ids: tuple = ()
    include_archived: bool = False
    limit: Optional[int] = None
    offset: int = 0
    # updated_at window, inclusive, as the store writes it (UTC, "2026-11-27T06:40:00Z"); None = open
    updated_from: Optional[str] = None
    updated_to: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    id: int
    project_id: str
    version: int  # the project version this entry produced
    changed_at: str  # ISO 8601 UTC
    user: str
    action: str  # "create" | "update" | "seed" | "milestone" | "confirm" | "archive" | "restore"
    changes: dict  # field -> [old, new]; "geometry" included when it changed
    note: str

    def to_dict(self):
        return dataclasses.asdict(self)


class Store(abc.ABC):
    """What the rest of the application may ask of a store."""

    url: str

    # -- lifecycle -----------------------------------------------------------------
    @abc.abstractmethod
    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision (idempotent)."""

    @abc.abstractmethod
    def ping(self) -> dict:
        """Cheap reachability check; raises StoreUnavailable. Returns facts for /healthz."""

    @abc.abstractmethod
    def close(self) -> None: ...

    # -- projects: read --------------------------------------------------------------
    @abc.abstractmethod
    def list_projects(self, query: ProjectQuery = ProjectQuery()) -> list[dict]:
        """Features matching ``query``, ordered by id."""

    @abc.abstractmethod
    def count_projects(self, query: ProjectQuery = ProjectQuery()) -> int: ...

    @abc.abstractmethod
    def project_points(self, query: ProjectQuery = ProjectQuery()) -> list[tuple]:
        """``(id, x, y, status)`` per matching project (x/y: the centre of its envelope; a bbox
        selects by envelope), for counting projects on a map grid."""

    @abc.abstractmethod
    def get_project(self, project_id: str) -> dict:
        """One feature (archived included); raises NotFound."""

    # -- projects: write (each call = one transaction + history rows) -------------------
    @abc.abstractmethod
    def create_project(self, feature: dict, *, user: str, note: str, action: str = "create") -> dict:
        """Insert a new project at version 1; raises Conflict if the id exists."""

    @abc.abstractmethod
    def update_project(self, project_id: str, changes: dict, *, expected_version: int,
                       user: str, note: str, action: str = "update") -> dict:
        """Apply ``changes`` (property name -> new value; the key "geometry" replaces the
        geometry) if the stored version equals ``expected_version``; otherwise raise
        Conflict carrying the current feature. Unchanged values are dropped; a call
        that changes nothing returns the feature without a new version."""

    @abc.abstractmethod
    def confirm_project(self, project_id: str, *, expected_version: int, user: str, note: str) -> dict:
        """Record that ``user`` checked the project and it is still right: a history entry
        (action "confirm", no changes, the current version) if the stored version equals
        ``expected_version``, else Conflict. The project itself is not changed."""

    @abc.abstractmethod
    def import_projects(self, creates: Sequence[dict], updates: Sequence[tuple], *, user: str,
                        note: str) -> dict:
        """Bulk write for imports, in ONE transaction: every feature of ``creates`` as
        ``create_project`` would (action "create"), then every ``(project_id, changes,
        expected_version)`` of ``updates`` as ``update_project`` would (action "update"),
        each with its history row carrying ``user`` and ``note``. Any error (Invalid,
        Conflict, NotFound, ...) raises and writes nothing. Returns
        ``{"created": [ids], "updated": [ids], "unchanged": [ids]}``."""

    @abc.abstractmethod
    def history(self, project_id: Optional[str] = None, *, limit: int = 100) -> list[HistoryEntry]:
        """Newest first."""

    # -- base layers ---------------------------------------------------------------
    @abc.abstractmethod
    def replace_layer(self, name: str, features: Sequence[dict]) -> None:
        """Replace every feature of base layer ``name`` in one transaction."""

    @abc.abstractmethod
    def list_layer(self, name: str, bbox: Optional[tuple] = None) -> list[dict]: ...

    @abc.abstractmethod
    def layer_names(self) -> list[str]: ...

    # -- seeding helpers -----------------------------------------------------------
    @abc.abstractmethod
    def is_empty(self) -> bool:
        """True when no project has ever been stored."""

    @abc.abstractmethod
    def has_edits(self) -> bool:
        """True when any history entry has an action other than "seed" or "milestone"."""

    @abc.abstractmethod
    def clear_projects(self) -> None:
        """Delete all projects and history (seed --force only; never from the web app)."""
