"""Search ignores Vietnamese diacritics and case."""
import pytest

from gis.search import fold, matches_district, matches_text


def feature(**props):
    return {"type": "Feature", "id": props.get("id", "x"), "geometry": None, "properties": props}


@pytest.mark.parametrize("text, folded", [
    ("Cảng Cái Cui", "cang cai cui"), ("CÁI CUI", "cai cui"), ("Vàm Cống", "vam cong"),
    ("Đường Lộ Tẻ - Rạch Sỏi", "duong lo te - rach soi"), ("  Ô   Môn ", "o mon"),
    ("Thới Lai", "thoi lai"), ("ĐỒNG", "dong"),
])
def test_fold_strips_diacritics_and_case(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("query", ["cai cui", "CÁI CUI", "Cái Cui", "cái   cui", "cui cai"])
def test_the_same_project_is_found_however_it_is_typed(query):
    assert matches_text(feature(name_vi="Cảng Cái Cui giai đoạn 2", name_en="Cai Cui port"), query)


def test_vam_cong_finds_the_bridge_and_not_other_projects():
    bridge = feature(name_vi="Cầu Vàm Cống", name_en="Vam Cong Bridge")
    airport = feature(name_vi="Cảng hàng không quốc tế Cần Thơ", name_en="Can Tho airport")
    assert matches_text(bridge, "vam cong") and not matches_text(airport, "vam cong")


def test_an_empty_query_matches_everything_and_ids_are_searched():
    assert matches_text(feature(name_vi="x"), "   ")
    assert matches_text(feature(id="ql91-km0-km7", name_vi="x"), "ql91 km0")


def test_district_filter_matches_any_listed_district():
    f = feature(districts=["thot-not", "vinh-thanh"])
    assert matches_district(f, ("vinh-thanh",)) and matches_district(f, ())
    assert not matches_district(f, ("cai-rang",)) and not matches_district(feature(), ("cai-rang",))
