"""projects.geometry_wkb: each project's geometry as WKB, next to its GeoJSON text.

The SQLite store completes the R*Tree's envelope filter with an exact intersects in Python
for the rows whose envelope straddles the box edge (gis/store/sql.py); shapely parses WKB
some 30 times faster than GeoJSON text, which made that parse most of a bbox query's time at
100,000 projects. Every write fills the column (gis.store.sql.prepare_project, _update_in);
this migration fills the rows already stored. PostGIS tests in SQL on ``geom`` and never
reads the column; it gets it too so that both dialects keep one table shape.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 5000


def _fill_sqlite(conn) -> None:
    import shapely

    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT fid, geometry FROM projects WHERE fid > :last ORDER BY fid LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        wkbs = shapely.to_wkb(shapely.from_geojson([r.geometry for r in rows]))
        conn.execute(sa.text("UPDATE projects SET geometry_wkb = :wkb WHERE fid = :fid"),
                     [{"wkb": w, "fid": r.fid} for r, w in zip(rows, wkbs)])
        last = rows[-1].fid


def upgrade():
    op.add_column("projects", sa.Column("geometry_wkb", sa.LargeBinary))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("UPDATE projects SET geometry_wkb = ST_AsBinary(geom)")
    else:
        _fill_sqlite(conn)


def downgrade():
    op.drop_column("projects", "geometry_wkb")
