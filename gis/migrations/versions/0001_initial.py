"""Initial schema: projects, history, layer_features, with a spatial index per dialect.

Both dialects get the same logical tables. The GeoJSON geometry is stored as text
(exactly as given, so load/export round trips are exact) with its bounding box in
four float columns. The spatial index is kept in sync by triggers, inside the
writing transaction:

* PostgreSQL/PostGIS: a ``geom geometry(Geometry,4326)`` column filled by a
  BEFORE INSERT/UPDATE trigger from ``ST_SetSRID(ST_GeomFromGeoJSON(geometry),4326)``,
  with a GiST index.
* SQLite: R*Tree virtual tables ``projects_rtree`` / ``layer_rtree``
  ``(fid, minx, maxx, miny, maxy)`` filled by AFTER INSERT/UPDATE/DELETE triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SPATIAL_TABLES = (("projects", "projects_rtree"), ("layer_features", "layer_rtree"))


_ID_TYPE = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _bbox_columns():
    return [sa.Column(name, sa.Double, nullable=False) for name in ("minx", "miny", "maxx", "maxy")]


def upgrade():
    dialect = op.get_bind().dialect.name

    if dialect == "postgresql":
        # Needs privileges only when the extension is missing.
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    op.create_table(
        "projects",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        # "C" collation on PostgreSQL: ORDER BY id is byte order, as on SQLite, and
        # the unique index serves it.
        sa.Column("id", _ID_TYPE, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.Text),
        sa.Column("sector", sa.Text),
        sa.Column("lead_agency", sa.Text),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("properties", sa.Text, nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        *_bbox_columns(),
        sa.UniqueConstraint("id", name="uq_projects_id"),
        sqlite_autoincrement=True,
    )
    for col in ("status", "sector", "lead_agency"):
        op.create_index(f"ix_projects_{col}", "projects", [col])

    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.Text, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_history_project_id", "history", ["project_id"])
    op.create_index("ix_history_action", "history", ["action"])

    op.create_table(
        "layer_features",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("feature_id", sa.Text, nullable=False),
        sa.Column("properties", sa.Text, nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        *_bbox_columns(),
        sa.UniqueConstraint("layer", "feature_id", name="uq_layer_features_layer_feature_id"),
        sqlite_autoincrement=True,
    )

    if dialect == "postgresql":
        for table, _ in SPATIAL_TABLES:
            op.execute(f"ALTER TABLE {table} ADD COLUMN geom geometry(Geometry, 4326)")
            op.execute(f"""
                CREATE FUNCTION {table}_set_geom() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.geom := ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry), 4326);
                    RETURN NEW;
                END $$""")
            op.execute(f"""
                CREATE TRIGGER {table}_geom BEFORE INSERT OR UPDATE OF geometry ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_set_geom()""")
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
    elif dialect == "sqlite":
        for table, rtree in SPATIAL_TABLES:
            op.execute(f"CREATE VIRTUAL TABLE {rtree} USING rtree(fid, minx, maxx, miny, maxy)")
            op.execute(f"""
                CREATE TRIGGER {rtree}_insert AFTER INSERT ON {table} BEGIN
                    INSERT INTO {rtree} (fid, minx, maxx, miny, maxy)
                    VALUES (new.fid, new.minx, new.maxx, new.miny, new.maxy);
                END""")
            op.execute(f"""
                CREATE TRIGGER {rtree}_update AFTER UPDATE OF minx, miny, maxx, maxy ON {table} BEGIN
                    UPDATE {rtree} SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy
                    WHERE fid = new.fid;
                END""")
            op.execute(f"""
                CREATE TRIGGER {rtree}_delete AFTER DELETE ON {table} BEGIN
                    DELETE FROM {rtree} WHERE fid = old.fid;
                END""")
    else:  # pragma: no cover - guarded by open_store's registry
        raise NotImplementedError(f"no spatial index recipe for dialect {dialect!r}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, _ in SPATIAL_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_geom ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_set_geom()")
    elif dialect == "sqlite":
        for _, rtree in SPATIAL_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {rtree}")  # drops nothing else; triggers go with their table
    op.drop_table("layer_features")
    op.drop_table("history")
    op.drop_table("projects")
