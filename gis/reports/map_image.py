"""The report's static map: matplotlib and GeoPandas (imported on first use), no tiles; the base
layers, the projects coloured by status (``gis.style``), a legend with the count of each status, a
north arrow, a scale bar and the "indicative boundaries" note, as PNG or SVG bytes, and ``data_uri``
to embed the image in the page and the PDF. No Flask.
"""
from __future__ import annotations

import base64
import io

from gis import schema, style
from gis.formatting import fmt_number, untranslated

MAP_CRS = "EPSG:32648"  # UTM zone 48N: metres, for the scale bar
MAP_LAYERS = ("districts", "city", "rivers")  # drawn in this order, under the projects
ROUND = (1, 2, 5)


def _nice_length(span_m: float) -> int:
    target = span_m / 5
    best = 1000
    for power in range(2, 6):
        for m in ROUND:
            if m * 10 ** power <= target:
                best = m * 10 ** power
    return best


def render_map(features, layers, lang: str = "vi", gettext=None, *, fmt: str = "png", dpi: int = 150,
               width: float = 7.6) -> bytes:
    """A static map (PNG or SVG bytes) of ``features`` over the base ``layers``.

    layers: [(manifest entry, [features])] as the store lists them; only city, districts and
    rivers are drawn. The view is the city (and any point project outside it): long lines
    such as the railway to Ho Chi Minh City run off the edge. Projects are coloured by status
    (gis.style), lines with a dark casing and points with a dark outline so that yellow stays
    visible; the legend, beside the map, counts each status.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import geopandas as gpd
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    _ = gettext or untranslated
    by_name = {entry.get("name"): feats for entry, feats in layers if feats}
    frames = {name: gpd.GeoDataFrame.from_features(by_name[name], crs="EPSG:4326").to_crs(MAP_CRS)
              for name in MAP_LAYERS if by_name.get(name)}
    projects = [f for f in features if isinstance(f, dict) and f.get("geometry")]
    gdf = gpd.GeoDataFrame.from_features(projects, crs="EPSG:4326").to_crs(MAP_CRS) if projects else None
    bounds = [frames[n].total_bounds for n in ("city", "districts") if n in frames]
    if gdf is not None:
        points = gdf[gdf.geometry.geom_type.isin(["Point", "MultiPoint"])]
        bounds.append((gdf if not bounds or not len(points) else points).total_bounds)
    if bounds:
        minx, miny = min(b[0] for b in bounds), min(b[1] for b in bounds)
        maxx, maxy = max(b[2] for b in bounds), max(b[3] for b in bounds)
        pad = max(maxx - minx, maxy - miny, 2000) * 0.05
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    else:
        minx, miny, maxx, maxy = 0, 0, 1, 1
    map_w = 0.68  # share of the figure's width for the map; the legend takes the rest
    height = min(max(width * map_w * (maxy - miny) / (maxx - minx), 3.5), 9.0) + 0.55
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0.005, 0.5 / height, map_w, 1 - 0.55 / height))
    ax.set_axis_off()
    for name in MAP_LAYERS:
        if name not in frames:
            continue
        s = style.LAYER_STYLES.get(name, style.DEFAULT_LAYER_STYLE)
        if name == "rivers":
            frames[name].plot(ax=ax, color=s.get("color"), linewidth=2.4, alpha=s.get("opacity", 0.8), zorder=3)
        elif s.get("fillColor"):
            frames[name].plot(ax=ax, facecolor=s["fillColor"], edgecolor=s.get("color"), linewidth=0.6,
                              linestyle="--", zorder=1)
        else:
            frames[name].boundary.plot(ax=ax, color=s.get("color"), linewidth=1.4, zorder=2)
    counts: dict = {}
    if gdf is not None:
        gdf["colour"] = [style.status_colour(s) for s in gdf["status"]]
        for status in gdf["status"]:
            counts[status] = counts.get(status, 0) + 1
        kinds = gdf.geometry.geom_type
        polys = gdf[kinds.isin(["Polygon", "MultiPolygon"])]
        if len(polys):
            polys.plot(ax=ax, color=polys["colour"], edgecolor="#222222", linewidth=0.6, alpha=0.75, zorder=4)
        lines = gdf[kinds.isin(["LineString", "MultiLineString"])]
        if len(lines):
            lines.plot(ax=ax, color="#222222", linewidth=4.4, zorder=5)
            lines.plot(ax=ax, color=lines["colour"], linewidth=2.8, zorder=6)
        points = gdf[kinds.isin(["Point", "MultiPoint"])]
        for is_commune, marker, size_pt in ((True, "s", 18), (False, "o", 48)):
            sel = points[(points["sector"] == "rural.ntm") == is_commune]
            if len(sel):
                sel.plot(ax=ax, color=sel["colour"], edgecolor="#222222", linewidth=0.7, marker=marker,
                         markersize=size_pt, zorder=7 if is_commune else 8)
    else:
        ax.text(0.5, 0.5, _("No project to show."), transform=ax.transAxes, ha="center", va="center")
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="datalim")
    # legend beside the map: every status present with its count, then the symbols
    handles = []
    for code in schema.codes("status") + sorted(c for c in counts if c not in schema.codes("status")):
        if counts.get(code):
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=8, markeredgecolor="#222222",
                                  markerfacecolor=style.status_colour(code),
                                  label=f"{schema.code_title('status', code, lang)} ({fmt_number(counts[code], lang, 0)})"))
    handles += [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="#ffffff",
                       markeredgecolor="#222222", label=_("Project (point)")),
                Line2D([], [], marker="s", linestyle="", markersize=5.5, markerfacecolor="#ffffff",
                       markeredgecolor="#222222", label=_("New-rural commune")),
                Line2D([], [], color="#222222", linewidth=3.2, label=_("Project (line)")),
                Line2D([], [], color="#4a90c2", linewidth=2.4, label=_("River, canal (indicative)")),
                Line2D([], [], color="#777777", linewidth=0.8, linestyle="--", label=_("District (2017, indicative)"))]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(map_w + 0.02, 1 - 0.05 / height), fontsize=7.5,
               title=_("Status at the end of the period"), title_fontsize=8, frameon=False, alignment="left")
    # north arrow (UTM grid north is within a degree of true north here) and scale bar
    ax.annotate(_("N"), xy=(0.95, 0.98), xytext=(0.95, 0.87), xycoords="axes fraction", ha="center", va="center",
                fontsize=10, fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.5})
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    sx, sy = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.plot([sx, sx + length], [sy, sy], color="#222222", linewidth=4, solid_capstyle="butt", zorder=9)
    ax.plot([sx + length / 2, sx + length], [sy, sy], color="#ffffff", linewidth=2, solid_capstyle="butt", zorder=10)
    ax.text(sx + length / 2, sy + (y1 - y0) * 0.02, f"{fmt_number(length / 1000, lang, 0)} km", ha="center",
            va="bottom", fontsize=8, zorder=10)
    fig.text(0.01, 0.28 / height, _("Boundaries and rivers are indicative drawings, not official boundaries."),
             fontsize=7, color="#333333")
    fig.text(0.01, 0.1 / height, _("Projection: UTM zone 48N (EPSG:32648). Long lines continue beyond the frame."),
             fontsize=6.5, color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return buf.getvalue()


def data_uri(payload: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"
