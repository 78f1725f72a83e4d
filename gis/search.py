"""Text search that ignores Vietnamese diacritics and case, and the district filter.

"cai cui", "CÁI CUI" and "Cái Cui" all match "Cảng Cái Cui"; "vam cong" matches "Vàm Cống".
"""
from __future__ import annotations

import unicodedata

SEARCHED_PROPERTIES = ("id", "name_vi", "name_en", "description_vi", "description_en", "plan_target")


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ -> d), whitespace collapsed."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def matches_text(feature: dict, query: str) -> bool:
    """Every word of the query occurs in one of the searched properties."""
    words = fold(query).split()
    if not words:
        return True
    props = feature.get("properties") or {}
    haystack = " ".join(fold(props.get(name) or "") for name in SEARCHED_PROPERTIES).replace("-", " ")
    return all(word in haystack for word in words)


def matches_district(feature: dict, districts) -> bool:
    return not districts or bool(set((feature.get("properties") or {}).get("districts") or ()) & set(districts))
