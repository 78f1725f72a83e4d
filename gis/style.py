"""How projects look, declared once: shared by the map legend, the list and the charts.

Status colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); every coloured thing also carries its status as text.
"""
from __future__ import annotations

from gis import schema

STATUS_COLOURS = {
    "identification": "#CC79A7",  # reddish purple
    "preparation": "#E69F00",  # orange
    "implementation": "#0072B2",  # blue
    "completion": "#F0E442",  # yellow (drawn with a dark outline)
    "maintenance": "#009E73",  # bluish green: in operation
    "cancelled": "#000000",  # black
}
# Text/glyph colour readable on each status colour.
STATUS_INK = {"completion": "#222222", "preparation": "#222222"}

# Font Awesome 6 (free, solid) glyph per sector for point symbols; line style per sector.
SECTOR_SYMBOLS = {
    "transport.road": {"icon": "fa-road", "weight": 5, "dash": None},
    "transport.rail": {"icon": "fa-train", "weight": 4, "dash": "12 8"},
    "transport.water": {"icon": "fa-anchor", "weight": 4, "dash": "2 8"},
    "transport.air": {"icon": "fa-plane", "weight": 3, "dash": None},
    "tourism": {"icon": "fa-umbrella-beach", "weight": 3, "dash": None},
    "economy.industry": {"icon": "fa-industry", "weight": 3, "dash": None},
    "economy.hitech": {"icon": "fa-microchip", "weight": 3, "dash": None},
    "economy.logistics": {"icon": "fa-truck", "weight": 3, "dash": None},
    "economy.trade": {"icon": "fa-store", "weight": 3, "dash": None},
    "rural.ntm": {"icon": "fa-seedling", "weight": 2, "dash": None},
}

# Base layers (layers/manifest.json names) in drawing order, with their Leaflet style.
LAYER_STYLES = {
    "city": {"color": "#444444", "weight": 3, "fill": False},
    "districts": {"color": "#777777", "weight": 1.5, "fillColor": "#f4f1ea", "fillOpacity": 0.55, "dashArray": "4 3"},
    "communes": {"color": "#aaaaaa", "weight": 0.6, "fill": False},
    "rivers": {"color": "#4a90c2", "weight": 4, "opacity": 0.8},
}
DEFAULT_LAYER_STYLE = {"color": "#888888", "weight": 1}


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#999999")


def check_complete():
    """Every status and sector of the schema has a style (tested)."""
    missing = [c for c in schema.codes("status") if c not in STATUS_COLOURS]
    missing += [c for c in schema.codes("sector") if c not in SECTOR_SYMBOLS]
    return missing
