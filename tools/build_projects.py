#!/usr/bin/env python3
"""Build projects.geojson (the seed key projects) from the reference facts and the plan.

    /work/main/.venv/bin/python tools/build_projects.py [--reference DIR] [--plan FILE] [--out FILE]

Every value below comes from /work/shared/reference (facts.json, communes_table.md,
can_tho_2017_units_centroids.json) or from the plan text (the 2017 Kế hoạch implementing
Programme 14-CTr/TU). Unknown values are null with a data_notes entry; estimates are
labelled in location_note / data_notes and by location_accuracy. The one value not in
the reference files is the HCMC end of the railway line (Dĩ An, from en.wikipedia),
which is cited in that feature's sources and location_note.

The script checks that every plan_target fragment is an exact quote of the plan, that
the facts entries it cites have the expected names, and validates the output against
gis/project.schema.json (jsonschema, Draft 2020-12) and shapely. Deterministic output.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter

import jsonschema
import shapely
from shapely.geometry import LineString, Point, mapping, shape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from build_layers import DISTRICTS, ascii_fold, restore_spaces, river_line, slug  # noqa: E402

DEFAULT_REFERENCE = "/work/shared/reference"
DEFAULT_PLAN = "/work/shared/seed/000_fef4242a5e16bd21.txt"
UPDATED_AT = "2026-11-27T00:00:00Z"
PLAN_SOURCE = ("Kế hoạch thực hiện Chương trình hành động số 14-CTr/TU (UBND TP Cần Thơ, 2017), "
               "mục {section}")
BO_XD = ("the Ministry of Transport (bo-gtvt) was merged into the Ministry of Construction (bo-xd) in 2025; "
         "bo-gtvt is kept as the owner named by the plan and the sources")
FOOTNOTE = "(chú thích {n}) "

# -- small helpers ------------------------------------------------------------------------


def pt(lat, lon):
    return Point(round(lon, 7), round(lat, 7))


def line(*latlons):
    return LineString([(round(lon, 7), round(lat, 7)) for lat, lon in latlons])


def quote(*fragments):
    """plan_target: exact fragments of the plan joined by an ellipsis; footnote fragments
    start with FOOTNOTE."""
    return " … ".join(fragments)


# -- the key projects ------------------------------------------------------------------------
# facts: indexes into facts.json with the expected start of name_vi (checked at build time).
# sources: None = all URLs of the cited facts entries; otherwise an explicit subset.

TRANSPORT_TASK = ("Kiến nghị, đề xuất Chính phủ chỉ đạo Bộ Giao thông vận tải và các Bộ, ngành liên quan triển "
                  "khai đầu tư xây dựng các dự án trọng điểm trong giai đoạn 2016 - 2020 như:")
ONGOING_TASK = ("Đề xuất UBND thành phố đề nghị Bộ Giao thông vận tải đẩy nhanh tiến độ hoàn thành đưa vào sử "
                "dụng đối với các dự án đang triển khai đầu tư xây dựng")
WATERWAY_TASK = ("nạo vét, duy tu luồng lạch và kiên cố hóa bờ sông chống sạt lỡ trên các tuyến đường thủy nội "
                 "địa quốc gia qua địa bàn thành phố (sông Hậu, sông Cần Thơ, kênh Cái Sắn, kênh Ô Môn - Thị Đội)")
TOURISM_TASK = ("Đẩy nhanh tiến độ thực hiện và hoàn thành các dự án đầu tư phát triển du lịch trọng điểm: khu du "
                "lịch Cồn Sơn, cồn Tân Lộc, Vườn cò Bằng Lăng và khu du lịch đô thị sinh thái huyện Phong Điền")
IP_EXISTING = "Phát huy hiệu quả các khu, cụm công nghiệp hiện có."
ZONES_TASK = ("Hoàn thành thủ tục, triển khai các dự án đầu tư cơ sở hạ tầng, kêu gọi đầu tư khu công nghệ cao, "
              "khu công nghệ thông tin tập trung, khu nông nghiệp ứng dụng công nghệ cao và các khu công nghiệp "
              "tập trung.")
III1A_AGENCY = ("section III.1.a assigns this task to all departments, agencies and district People's Committees "
                "jointly, not to one department")
PORT_TASK = ("xây dựng, phát triển hệ thống cụm, cảng biển tại thành phố Cần Thơ theo quy hoạch cảng biển vùng "
             "ĐBSCL")

PROJECTS = [
    # ------------------------------------------------------------------ transport: roads and bridges
    dict(
        id="vam-cong-bridge",
        facts=[(0, "Cầu Vàm Cống")],
        name_vi="Cầu Vàm Cống (Kế hoạch gọi là cầu Cần Thơ 2)",
        name_en="Vam Cong Bridge (the plan's 'Can Tho 2 bridge')",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(ONGOING_TASK, FOOTNOTE.format(n=2) + "Cầu Vàm Cống (Cầu Cần Thơ 2, dự kiến hoàn thành năm 2017)"),
        planned_start=None, planned_end="2017", actual_start="2013-09-10", actual_end="2019-05-19",
        investment_vnd=5_460_000_000_000,
        districts=["thot-not"],
        geometry=pt(10.316806, 105.503806), location_accuracy="surveyed",
        location_note="Published coordinate of the bridge, 10.316806 N 105.503806 E (English Wikipedia infobox). "
                      "The point is the main bridge, not its 5.8 km of approach roads.",
        description_vi="Cầu dây văng qua sông Hậu nối Lấp Vò (Đồng Tháp) với Thốt Nốt (Cần Thơ): dài 2,97 km, nhịp "
                       "chính 450 m, rộng 24,5 m, 6 làn xe; thuộc Dự án kết nối khu vực trung tâm ĐBSCL. Khởi công "
                       "10/9/2013, khánh thành 19/5/2019 (Kế hoạch dự kiến năm 2017; vết nứt dầm ngang trụ P29 tháng "
                       "11/2017 làm chậm thông xe).",
        description_en="Cable-stayed bridge over the Hậu river linking Lấp Vò (Đồng Tháp) with Thốt Nốt (Cần Thơ): "
                       "2.97 km long, 450 m main span, 24.5 m wide, 6 lanes; part of the Central Mekong Delta "
                       "Connectivity Project. Construction began on 10 Sep 2013 and the bridge opened on 19 May 2019 "
                       "(the plan expected 2017; a crossbeam crack on pier P29 in Nov 2017 delayed the opening).",
        data_notes={
            "investment_vnd": "VND 5.46 trillion as given by VNA / Việt Nam News; most other reports give about "
                              "US$271 million (VND ~5.5-5.7 trillion). Which figure is final is uncertain. Korean "
                              "EDCF ODA (~US$200m) plus Vietnamese counterpart funds.",
            "lead_agency": "Ministry of Transport; investor Cuu Long CIPM (Tổng công ty Cửu Long); " + BO_XD,
            "planned_start": "the plan gives only the expected completion year (2017)",
            "districts": "the Cần Thơ bank is Thới Thuận ward (Thốt Nốt); the other bank is Lấp Vò, Đồng Tháp",
        },
    ),
    dict(
        id="can-tho-bridge",
        facts=[(1, "Cầu Cần Thơ")],
        name_vi="Cầu Cần Thơ (công trình hiện hữu, để tham chiếu)",
        name_en="Can Tho Bridge (existing, shown for reference)",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency=None, plan_section="III.3.c",
        plan_target=quote("nâng cấp đường từ Ngã Năm cầu Cần Thơ - cảng Cái Cui"),
        planned_start=None, planned_end=None, actual_start="2004-09-25", actual_end="2010-04-24",
        investment_vnd=4_832_000_000_000,
        districts=["cai-rang"],
        geometry=pt(10.025, 105.822), location_accuracy="approximate",
        location_note="Estimated point (about ±1.5 km), not a published coordinate: the river crossing between the "
                      "Hưng Phú ward (Cái Răng) bank and Mỹ Hòa commune (Bình Minh, Vĩnh Long).",
        description_vi="Cầu dây văng qua sông Hậu trên QL1 nối Vĩnh Long với Cần Thơ: cầu chính dài 2,75 km, nhịp "
                       "chính 550 m, tĩnh không 39 m; toàn tuyến 15,85 km. Khởi công 25/9/2004 (sập nhịp dẫn "
                       "26/9/2007), thông xe 24/4/2010; vốn 4.832 tỷ đồng (ODA Nhật Bản và vốn đối ứng).",
        description_en="Cable-stayed bridge over the Hậu river on National Highway 1 linking Vĩnh Long with Cần Thơ: "
                       "main bridge 2.75 km, main span 550 m, clearance 39 m; whole route 15.85 km. Construction began "
                       "on 25 Sep 2004 (an approach span collapsed on 26 Sep 2007); opened on 24 Apr 2010; VND 4,832 "
                       "billion (Japanese ODA and counterpart funds).",
        data_notes={
            "plan_target": "the plan has no task for this bridge, which opened in 2010; it names it only as the "
                           "start of the Ngã Năm - Cái Cui road. Shown as a reference.",
            "plan_agency": "not a task of the plan",
            "planned_start": "not applicable: the bridge predates the plan",
            "planned_end": "not applicable: the bridge predates the plan",
            "lead_agency": "Ministry of Transport, My Thuan PMU as investor representative; " + BO_XD,
            "districts": "the Cần Thơ bank is Hưng Phú ward (Cái Răng); the other bank is Bình Minh, Vĩnh Long",
        },
    ),
    dict(
        id="lo-te-rach-soi-road",
        facts=[(2, "Đường (cao tốc) Lộ Tẻ")],
        name_vi="Tuyến Lộ Tẻ - Rạch Sỏi",
        name_en="Lo Te - Rach Soi road (now run as an expressway)",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(ONGOING_TASK, FOOTNOTE.format(n=2) + "tuyến Lộ Tẻ - Rạch Sỏi (dự kiến hoàn thành năm 2018)"),
        planned_start=None, planned_end="2018", actual_start="2016", actual_end="2021-01-12",
        investment_vnd=6_355_000_000_000,
        districts=["thot-not", "vinh-thanh"],
        geometry=line((10.285, 105.47), (9.9452, 105.1164)), location_accuracy="indicative",
        location_note="Straight schematic line between two estimated endpoints (about ±3 km each): the Lộ Tẻ "
                      "junction at the Vàm Cống bridge approach (Thốt Nốt / Vĩnh Thạnh) and the Rạch Giá bypass "
                      "near Rạch Sỏi ward. No intermediate point is known; the road also passes Tân Hiệp (former "
                      "Kiên Giang).",
        description_vi="Tuyến đường khoảng 51 km, nền 17 m, 4 làn xe (thiết kế 100 km/h, khai thác 80 km/h) nối Lộ "
                       "Tẻ (Cần Thơ) với Rạch Sỏi (Rạch Giá), qua huyện Vĩnh Thạnh và Tân Hiệp. Khởi công 2016, thông "
                       "xe kỹ thuật 15/10/2020, khánh thành 12/01/2021; vốn hơn 6.355 tỷ đồng. Năm 2024-2025 được sửa "
                       "chữa, nâng cấp theo tiêu chuẩn cao tốc (khoảng 750 tỷ đồng).",
        description_en="About 51 km, 17 m roadbed, 4 lanes (designed for 100 km/h, operated at 80 km/h) from Lộ Tẻ "
                       "(Cần Thơ) to Rạch Sỏi (Rạch Giá), through Vĩnh Thạnh and Tân Hiệp. Started in 2016, opened "
                       "to traffic on 15 Oct 2020 and inaugurated on 12 Jan 2021; more than VND 6,355 billion. "
                       "Repaired and upgraded to expressway standard in 2024-2025 (about VND 750 billion).",
        data_notes={
            "actual_end": "official inauguration; technical opening to traffic was on 15 Oct 2020",
            "status": "in operation since 2020-21; the 2024-25 upgrade was expected to be handed over in 2025 by "
                      "the My Thuan PMU (hand-over not confirmed in the sources)",
            "investment_vnd": "lower bound: the sources say 'more than VND 6,355 billion' (about VND 4,500 billion "
                              "Korean loan); excludes the ~VND 750 billion 2024-25 upgrade",
            "planned_start": "the plan gives only the expected completion year (2018)",
            "lead_agency": "Ministry of Transport; investor Cuu Long CIPM, later My Thuan PMU; " + BO_XD,
            "districts": "starts at Lộ Tẻ on the Thốt Nốt / Vĩnh Thạnh boundary and crosses Vĩnh Thạnh; most of "
                         "the route lies in former Kiên Giang (now An Giang)",
        },
    ),
    dict(
        id="ql91-long-xuyen-bypass-link",
        facts=[(3, "Tuyến nối Quốc lộ 91")],
        name_vi="Tuyến nối Quốc lộ 91 và tuyến tránh TP Long Xuyên",
        name_en="Road linking National Highway 91 with the Long Xuyen bypass",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(ONGOING_TASK, FOOTNOTE.format(n=2) + "tuyến nối quốc lộ 91 và tuyến tránh TP Long Xuyên "
                          "(thuộc dự án kết nối khu vực trung tâm ĐBSCL, dự kiến khởi công năm 2018 và hoàn thành năm "
                          "2020)"),
        planned_start="2018", planned_end="2020", actual_start="2022", actual_end="2024-06-16",
        investment_vnd=2_100_000_000_000,
        districts=["thot-not", "vinh-thanh"],
        geometry=line((10.285, 105.47), (10.4103, 105.4012)), location_accuracy="indicative",
        location_note="Straight schematic line between two estimates: the start at Km7+877 of the Vàm Cống approach "
                      "road / QL80 near Lộ Tẻ (low-medium) and the end at QL91 Km65, Bình Đức ward, Long Xuyên (ward "
                      "centroid, medium). The real road bends and crosses the Long Xuyên river.",
        description_vi="Tuyến mới dài 15,3 km (cấp III đồng bằng, 80 km/h) và khoảng 2 km nâng cấp QL80, vượt sông "
                       "Long Xuyên, nối đường dẫn cầu Vàm Cống gần Lộ Tẻ với QL91 tại Km65 (phường Bình Đức, Long "
                       "Xuyên). Khởi công 2022, khánh thành 16/6/2024; vốn hơn 2.100 tỷ đồng (ODA ADB và vốn đối ứng).",
        description_en="New 15.3 km road (delta grade III, 80 km/h) plus about 2 km of upgraded QL80, crossing the "
                       "Long Xuyên river, from the Vàm Cống bridge approach near Lộ Tẻ to QL91 Km65 (Bình Đức ward, "
                       "Long Xuyên). Started in 2022 and inaugurated on 16 Jun 2024; more than VND 2,100 billion (ADB "
                       "loan and counterpart funds).",
        data_notes={
            "investment_vnd": "lower bound: the sources say 'more than VND 2,100 billion'",
            "lead_agency": "Ministry of Transport (component of the Central Mekong Delta Connectivity Project), "
                           "inaugurated with An Giang PC; " + BO_XD,
            "districts": "only the start near Lộ Tẻ (Thốt Nốt / Vĩnh Thạnh boundary) is in the 2017 city; the rest "
                         "is in An Giang",
        },
    ),
    dict(
        id="my-thuan-can-tho-expressway",
        facts=[(4, "Đường cao tốc Trung Lương")],
        name_vi="Đường cao tốc Trung Lương - Cần Thơ, đoạn Mỹ Thuận - Cần Thơ",
        name_en="Trung Luong - Can Tho expressway, My Thuan - Can Tho section",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(TRANSPORT_TASK, "Đường cao tốc Trung Lương - Cần Thơ (đoạn Mỹ Thuận - Cần Thơ)"),
        planned_start=None, planned_end=None, actual_start="2021-01", actual_end="2023-12-24",
        investment_vnd=4_800_000_000_000,
        districts=[],
        geometry=line((10.2534, 105.9074), (10.0882, 105.8268)), location_accuracy="indicative",
        location_note="Straight schematic line between two commune centroids (GADM-derived, about ±2 km): Tân Hòa "
                      "(Vĩnh Long city) at the end of the Mỹ Thuận 2 bridge, Km107+740, and Thuận An (Bình Minh) at "
                      "the Chà Và interchange with QL1.",
        description_vi="Đoạn cao tốc khoảng 23 km, 4 làn xe, từ cuối cầu Mỹ Thuận 2 (Km107+740) đến nút giao Chà Và "
                       "với QL1 (Bình Minh, Vĩnh Long), dẫn về cầu Cần Thơ. Khởi công đầu tháng 1/2021, khánh thành "
                       "24/12/2023 (thông xe từ 25/12/2023, tối đa 90 km/h); vốn khoảng 4.800 tỷ đồng ngân sách.",
        description_en="About 23 km, 4-lane expressway section from the end of the Mỹ Thuận 2 bridge (Km107+740) to "
                       "the Chà Và interchange with National Highway 1 (Bình Minh, Vĩnh Long), leading to the Cần Thơ "
                       "bridge. Groundbreaking in early January 2021, inaugurated on 24 Dec 2023 (traffic from "
                       "25 Dec 2023, up to 90 km/h); about VND 4.8 trillion from the state budget.",
        data_notes={
            "actual_start": "groundbreaking in early January 2021 (day not given)",
            "investment_vnd": "approximate: 'about VND 4.8 trillion' (VND 932 billion from the 2016-2020 plan, the "
                              "rest 2021-2025)",
            "planned_start": "the plan only asks for investment in 2016-2020; no planned start date found",
            "planned_end": "no planned completion date found in the plan or the sources",
            "lead_agency": "Ministry of Transport; My Thuan PMU; " + BO_XD,
            "districts": "the section lies in Vĩnh Long (it ends at the Chà Và interchange in Bình Minh), outside "
                         "the 2017 city; it feeds the Cần Thơ bridge",
        },
    ),
    dict(
        id="ql91-km0-km7-upgrade",
        facts=[(5, "Cải tạo, nâng cấp Quốc lộ 91")],
        name_vi="Cải tạo, nâng cấp mở rộng Quốc lộ 91 đoạn Km0 - Km7",
        name_en="Upgrade and widening of National Highway 91, Km0-Km7",
        sector="transport.road", status="implementation", progress=None,
        lead_agency="so-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(TRANSPORT_TASK, "nâng cấp mở rộng Quốc lộ 91 đoạn từ Km0-Km7"),
        planned_start="2023", planned_end="2027", actual_start="2025-09-22", actual_end=None,
        investment_vnd=7_238_000_000_000,
        districts=["ninh-kieu", "binh-thuy"],
        geometry=line((10.043, 105.779), (10.09, 105.73)), location_accuracy="indicative",
        location_note="Straight schematic line between two estimates: Km0 at the CMT8 / Hùng Vương / Trần Phú / "
                      "Nguyễn Trãi junction, Ninh Kiều (low-medium), and Km7 where the upgraded section joins the "
                      "operating QL91 (low).",
        description_vi="Mở rộng 7,04 km QL91 từ nút giao CMT8 - Hùng Vương - Trần Phú - Nguyễn Trãi (Ninh Kiều) lên "
                       "mặt cắt 37 m, 6 làn xe, gồm cầu Bình Thủy mới dài 145 m; khoảng 27,2 ha đất. Tổng vốn 7.238 tỷ "
                       "đồng (hơn 5.500 tỷ cho bồi thường, tái định cư). Khởi công 22/9/2025, dự kiến hoàn thành 2027.",
        description_en="Widening of 7.04 km of National Highway 91 from the CMT8 / Hùng Vương / Trần Phú / Nguyễn Trãi "
                       "junction (Ninh Kiều) to a 37 m, 6-lane cross-section, with a new 145 m Bình Thủy bridge; about "
                       "27.2 ha of land. VND 7,238 billion (over VND 5.5 trillion for clearance and resettlement). "
                       "Groundbreaking on 22 Sep 2025; completion planned for 2027.",
        data_notes={
            "planned_start": "start of the approved project period 2023-2027 (includes preparation and site "
                             "clearance); construction began in 2025",
            "progress": "no source gives a physical progress percentage",
            "lead_agency": "investor is Ban QLDA ĐTXD công trình Giao thông và Nông nghiệp TP Cần Thơ, a project "
                           "management board of the city (central + city budget); recorded under the city "
                           "Department of Transport, the department the plan assigns transport tasks to",
            "description_en": "a previous 7 km QL91 upgrade (coach station to Trà Nóc, ~VND 1.4 trillion, "
                              "2010-2012, by the city Department of Transport) is a different project",
        },
    ),
    dict(
        id="nga-nam-cai-cui-road-phase-2",
        facts=[(6, "Đường từ Ngã Năm")],
        name_vi="Nâng cấp đường từ Ngã Năm (cầu Cần Thơ) đến cảng Cái Cui, giai đoạn II (tuyến quốc lộ Nam Sông Hậu)",
        name_en="Upgrade of the road from Nga Nam (Can Tho bridge) to Cai Cui port, phase II (Nam Song Hau national "
                "road)",
        sector="transport.road", status="identification", progress=None,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(TRANSPORT_TASK, "nâng cấp đường từ Ngã Năm cầu Cần Thơ - cảng Cái Cui, giai đoạn II thuộc "
                          "tuyến quốc lộ Nam Sông Hậu"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None,
        investment_vnd=None,
        districts=["cai-rang"],
        geometry=line((10.01, 105.80), (9.995, 105.835)), location_accuracy="indicative",
        location_note="Straight schematic line between two LOW estimates: the QL1 / Cần Thơ-bridge approach junction "
                      "(IC3 area, Cái Răng) and Cái Cui port (Tân Phú ward). The 'Ngã Năm' junction itself was not "
                      "identified.",
        description_vi="Nâng cấp đoạn tuyến Nam Sông Hậu (QL91B) trong quận Cái Răng, từ nút giao đường dẫn cầu Cần "
                       "Thơ đến cảng Cái Cui. Không tìm thấy nguồn về quy mô, thời gian, vốn của giai đoạn II; tuyến "
                       "Nam Sông Hậu (147,28 km, 39 cầu, 3.296 tỷ đồng) đã thông xe ngày 9/3/2011.",
        description_en="Upgrade of the Nam Sông Hậu road (QL91B) section in Cái Răng, from the Cần Thơ-bridge approach "
                       "junction to Cái Cui port. No source was found on the scope, dates or cost of phase II; the Nam "
                       "Sông Hậu road itself (147.28 km, 39 bridges, VND 3,296 billion) opened on 9 Mar 2011.",
        data_notes={
            "status": "no source found for this phase-II project; kept at the plan's 2017 stage (proposed). A 2022 "
                      "Ministry of Transport / World Bank proposal to upgrade QL91B from the Cần Thơ-bridge junction "
                      "to Cái Cui and on to Bạc Liêu (>141 km, >VND 3,155 billion) suggests it was still a proposal "
                      "in 2022",
            "investment_vnd": "no figure for phase II; the 2022 proposal (>VND 3,155 billion) covers >141 km to Bạc "
                              "Liêu",
            "lead_agency": "the plan asks the Ministry of Transport to invest (national road); the facts mark the "
                           "owner as uncertain (possibly the city Department of Transport or a city PMU); " + BO_XD,
        },
    ),
    dict(
        id="ql91-nam-song-hau-link-road",
        facts=[(7, "Đường nối Quốc lộ 91 với tuyến Nam Sông Hậu")],
        name_vi="Đường nối Quốc lộ 91 với tuyến Nam Sông Hậu (QL91B, đường Nguyễn Văn Linh)",
        name_en="Road linking National Highway 91 with the Nam Song Hau route (QL91B, Nguyen Van Linh road)",
        sector="transport.road", status="maintenance", progress=100,
        lead_agency="so-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(TRANSPORT_TASK, "đường nối Quốc lộ 91 với tuyến Nam Sông Hậu"),
        planned_start=None, planned_end=None, actual_start="2000", actual_end=None,
        investment_vnd=None,
        districts=["o-mon", "binh-thuy", "ninh-kieu", "cai-rang"],
        geometry=line((10.10, 105.66), (10.01, 105.80)), location_accuracy="indicative",
        location_note="Straight schematic line between two LOW estimates: the QL91 junction at Phước Thới (Ô Môn) "
                      "and the IC3 junction with QL1 on the Cần Thơ-bridge approach (Cái Răng). The real road curves "
                      "through Bình Thủy and Ninh Kiều.",
        description_vi="Quốc lộ 91B, nay là đường Nguyễn Văn Linh trong nội ô Cần Thơ, nối QL91 (Phước Thới, Ô Môn) "
                       "với nút giao IC3 trên đường dẫn cầu Cần Thơ và tuyến Nam Sông Hậu; đường cấp III, 2-6 làn xe, "
                       "xây dựng từ năm 2000 (ban đầu Ô Môn - Cái Cui). Chiều dài và năm hoàn thành của đoạn nối mà Kế "
                       "hoạch nêu chưa xác định được.",
        description_en="National Highway 91B, now Nguyễn Văn Linh road in urban Cần Thơ, linking QL91 (Phước Thới, "
                       "Ô Môn) with the IC3 junction on the Cần Thơ-bridge approach and the Nam Sông Hậu road; grade "
                       "III, 2-6 lanes, built from 2000 (initially Ô Môn - Cái Cui). The length and completion year of "
                       "the link named in the plan are unknown.",
        data_notes={
            "status": "in use (built; widening later proposed). The facts identify the plan's link with the original "
                      "QL91B; since the 2017 plan still lists the link as a project to invest in, the plan may mean "
                      "a later phase (uncertain)",
            "actual_end": "completion date not found; QL91B has been in use since the 2000s",
            "investment_vnd": "no investment figure found",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "lead_agency": "facts: Ministry of Transport / Can Tho City; inside the city the road is the urban "
                           "arterial Nguyễn Văn Linh, recorded under the city Department of Transport",
            "districts": "from the schematic line and the two junctions (Ô Môn, Cái Răng); length uncertain "
                         "(~16-20 km inside Cần Thơ)",
        },
    ),
]

# ------------------------------------------------------------------ transport: waterways and ports
WATERWAY_COMMON = dict(sector="transport.water", lead_agency="bo-gtvt", plan_agency="so-gtvt",
                       plan_section="III.3.c", plan_target=quote(WATERWAY_TASK), planned_start=None,
                       planned_end=None, location_accuracy="indicative")
WATERWAY_LEAD = ("national inland waterway (Ministry of Transport: Vietnam Maritime Administration for the sea "
                 "channel, the inland waterway administration for inland routes); " + BO_XD)

PROJECTS += [
    dict(
        WATERWAY_COMMON,
        id="waterway-hau-river",
        facts=[(8, "Nạo vét, kè các tuyến đường thủy")],
        sources=[0, 1, 2, 3, 4, 5, 6],
        river="song-hau",
        name_vi="Nạo vét, duy tu luồng và kè chống sạt lở tuyến đường thủy quốc gia sông Hậu",
        name_en="Dredging, channel maintenance and bank protection: Hau River national waterway",
        status="implementation", progress=None,
        actual_start="2009", actual_end=None, investment_vnd=None,
        districts=["thot-not", "o-mon", "binh-thuy", "ninh-kieu", "cai-rang"],
        location_note="Schematic line through estimated points along the Hậu: Cái Sắn canal mouth (An Giang "
                      "border), Vàm Cống bridge, Tân Lộc island, Ô Môn river mouth, Cồn Sơn, Cần Thơ river mouth, "
                      "Cần Thơ bridge, Cái Cui, then a straight segment to the Định An estuary / Quan Chánh Bố sea "
                      "channel (no intermediate point known). Not the navigation channel.",
        description_vi="Luồng cho tàu biển vào sông Hậu qua kênh Quan Chánh Bố: giai đoạn 1 (khởi công 2009) nạo vét "
                       "46,5 km, thông luồng năm 2016 cho tàu 10.000 DWT đầy tải / 20.000 DWT giảm tải; giai đoạn 2 "
                       "(hơn 2.200 tỷ đồng) từ 2021. Năm 2025 nạo vét duy tu 52,6 km luồng sông Hậu (489,256 tỷ "
                       "đồng, khởi công 8/2025, mục tiêu xong đầu 12/2025). Tàu container 600 TEU trở lại cảng Cái "
                       "Cui cuối tháng 12/2022.",
        description_en="Sea access to the Hậu river through the Quan Chánh Bố canal: phase 1 (from 2009) dredged "
                       "46.5 km and opened in 2016 for 10,000 DWT ships fully loaded / 20,000 DWT part-loaded; phase 2 "
                       "(over VND 2.2 trillion) from 2021. In 2025, 52.6 km of the Hậu channel were maintenance-dredged "
                       "(VND 489.256 billion, started Aug 2025, target early Dec 2025). A 600-TEU container ship "
                       "returned to Cái Cui at the end of Dec 2022.",
        data_notes={
            "status": "partly done (sea channel opened 2016), partly ongoing (phase 2 from 2021; 2025 maintenance "
                      "dredging, completion not confirmed); 'implementation' chosen for the ongoing works",
            "actual_start": "start of phase 1 of the Quan Chánh Bố channel project (2009)",
            "actual_end": "not completed: phase 2 and maintenance dredging ongoing",
            "investment_vnd": "no single total for the feature: Quan Chánh Bố project >VND 9,700 billion (phase 1 "
                              "~VND 6,100 billion), phase 2 >VND 2.2 trillion, 2025 Hậu maintenance dredging "
                              "VND 489.256 billion; WB southern waterway corridors ~VND 3.9 trillion (2023-2027)",
            "planned_start": "no planned dates found for the plan's task",
            "planned_end": "no planned dates found for the plan's task",
            "lead_agency": WATERWAY_LEAD,
            "districts": "the 2017 districts along the river bank; the line continues outside the city to the "
                         "estuary (Trà Vinh / Sóc Trăng)",
        },
    ),
    dict(
        WATERWAY_COMMON,
        id="waterway-can-tho-river",
        facts=[(8, "Nạo vét, kè các tuyến đường thủy")],
        sources=[8, 7, "https://en.vietnamplus.vn/world-bank-delegation-surveys-can-tho-urban-resilience-project-post333377.vnp"],
        river="song-can-tho",
        name_vi="Nạo vét, duy tu luồng và kè chống sạt lở tuyến đường thủy quốc gia sông Cần Thơ",
        name_en="Dredging, channel maintenance and bank protection: Can Tho River national waterway",
        status="implementation", progress=None,
        actual_start=None, actual_end=None, investment_vnd=None,
        districts=["ninh-kieu", "cai-rang", "phong-dien"],
        location_note="Schematic line: only the mouth at Ninh Kiều wharf is an estimated point in the facts; the "
                      "upstream vertices are the centroids of Lê Bình ward (Cái Răng) and Phong Điền town, which the "
                      "river runs through. General course only; the upstream end of the national route is not given.",
        description_vi="Kè sông Cần Thơ là một hợp phần của Dự án Phát triển đô thị và tăng cường khả năng thích ứng "
                       "TP Cần Thơ (WB3: 250 triệu USD vốn vay WB và 10 triệu USD của SECO; tổng hơn 9.100 tỷ đồng; "
                       "dự kiến hoàn thành năm 2024). Không tìm thấy dự án nạo vét riêng của Trung ương trên sông Cần "
                       "Thơ.",
        description_en="Embankments on the Cần Thơ river are a component of the Can Tho Urban Development and "
                       "Resilience Project (WB3: World Bank US$250 million plus SECO US$10 million; over VND 9.1 "
                       "trillion in total; due in 2024). No dedicated national dredging project on the Cần Thơ river "
                       "was found.",
        data_notes={
            "status": "the only works found are the city's WB3 embankments, due in 2024; completion not confirmed "
                      "in the sources, so 'implementation'",
            "actual_start": "start date of the embankment works not found",
            "actual_end": "completion not confirmed (WB3 was due in 2024)",
            "investment_vnd": "no figure for the river works; the WB3 totals (>VND 9.1 trillion) cover the whole "
                              "urban project",
            "planned_start": "no planned dates found for the plan's task",
            "planned_end": "no planned dates found for the plan's task (WB3 was due in 2024)",
            "lead_agency": "the plan treats the route as a national waterway (Ministry of Transport); the embankment "
                           "works found are a city project (Can Tho People's Committee, World Bank loan); " + BO_XD,
        },
    ),
    dict(
        WATERWAY_COMMON,
        id="waterway-cai-san-canal",
        facts=[(8, "Nạo vét, kè các tuyến đường thủy")],
        sources=[7, 10],
        river="kenh-cai-san",
        name_vi="Nạo vét, duy tu luồng và kè chống sạt lở tuyến đường thủy quốc gia kênh Cái Sắn",
        name_en="Dredging, channel maintenance and bank protection: Cai San Canal national waterway",
        status="identification", progress=None,
        actual_start=None, actual_end=None, investment_vnd=None,
        districts=["thot-not", "vinh-thanh"],
        location_note="Schematic line: only the mouth on the Hậu at the Thốt Nốt / An Giang border is an estimated "
                      "point in the facts (QL91 ends at the Cái Sắn bridge there); the line runs south-west across "
                      "Vĩnh Thạnh through the centroids of Vĩnh Thạnh and Thạnh An towns, on the Lộ Tẻ - Rạch Sỏi "
                      "corridor. The part outside the city is not drawn.",
        description_vi="Kênh Cái Sắn, một trong các tuyến đường thủy nội địa quốc gia qua thành phố mà Kế hoạch nêu, "
                       "nhận nước sông Hậu tại ranh giới An Giang (quận Thốt Nốt). Không tìm thấy dự án nạo vét, kè "
                       "riêng của Trung ương trên kênh này.",
        description_en="The Cái Sắn canal, one of the national inland waterways through the city named in the plan, "
                       "leaves the Hậu at the An Giang border (Thốt Nốt). No dedicated national dredging or "
                       "embankment project on this canal was found.",
        data_notes={
            "status": "no source found for a national dredging / embankment project on the Cái Sắn canal; the plan "
                      "itself (2017) is the source for 'identification'",
            "actual_start": "not started as far as the sources show",
            "actual_end": "not started as far as the sources show",
            "investment_vnd": "no investment figure found",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "lead_agency": WATERWAY_LEAD,
        },
    ),
    dict(
        WATERWAY_COMMON,
        id="waterway-o-mon-thi-doi",
        facts=[(8, "Nạo vét, kè các tuyến đường thủy")],
        sources=[9, 7],
        river="song-o-mon-kenh-thi-doi",
        name_vi="Nạo vét, duy tu luồng và kè chống sạt lở tuyến đường thủy quốc gia kênh Ô Môn - Thị Đội",
        name_en="Dredging, channel maintenance and bank protection: O Mon - Thi Doi national waterway",
        status="implementation", progress=None,
        actual_start="2025", actual_end=None, investment_vnd=None,
        districts=["o-mon", "thoi-lai"],
        location_note="Schematic line: only the Ô Môn river mouth (Ô Môn town) is an estimated point in the facts; "
                      "the line runs to the centroid of Thới Lai town on the Ô Môn river. The Thị Đội canal beyond it "
                      "is not drawn (no point known).",
        description_vi="Tuyến Ô Môn - Thị Đội (sông Ô Môn nối kênh Thị Đội). Công trình được ghi nhận: kè khẩn cấp "
                       "chống sạt lở sông Ô Môn dài 650 m, khoảng 130 tỷ đồng, thi công 2025-2026 để bảo vệ khu dân "
                       "cư. Không tìm thấy dự án nạo vét của Trung ương trên tuyến này.",
        description_en="The Ô Môn - Thị Đội route (Ô Môn river and Thị Đội canal). Works found: an emergency 650 m "
                       "embankment against erosion on the Ô Môn river, about VND 130 billion, built in 2025-2026 to "
                       "protect residents. No national dredging project on the route was found.",
        data_notes={
            "status": "based only on the city's 650 m emergency embankment on the Ô Môn river (2025-26), which is "
                      "'bank strengthening against erosion' in the plan's words; completion not confirmed",
            "actual_start": "year of the embankment works (2025-26); month not given",
            "actual_end": "completion of the embankment not confirmed",
            "investment_vnd": "no total for the route; about VND 130 billion for the 650 m embankment only",
            "planned_start": "no planned dates found for the plan's task",
            "planned_end": "no planned dates found for the plan's task",
            "lead_agency": "the plan treats the route as a national waterway (Ministry of Transport); the embankment "
                           "found is a city work; " + BO_XD,
        },
    ),
    dict(
        id="cai-cui-port-phase-2",
        facts=[(9, "Cảng Cái Cui")],
        name_vi="Cảng Cái Cui giai đoạn 2 và mở rộng khu bến Cái Cui",
        name_en="Cai Cui port phase 2 and expansion of the Cai Cui port area",
        sector="transport.water", status="maintenance", progress=100,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(PORT_TASK, FOOTNOTE.format(n=3) + "Trong đó tập trung xây dựng phát triển và mở rộng khu bến "
                          "Cái Cui theo quy hoạch, hoàn thành dự án cảng Cái Cui GĐ 2"),
        planned_start=None, planned_end="2012", actual_start="2009-07-11", actual_end=None,
        investment_vnd=1_200_000_000_000,
        districts=["cai-rang"],
        geometry=pt(9.995, 105.835), location_accuracy="approximate",
        location_note="Estimated point (low-medium, about ±1.5 km) on the Hậu bank of Tân Phú ward, Cái Răng; not a "
                      "published coordinate.",
        description_vi="Giai đoạn 2 cảng Cái Cui (Vinalines) cùng khu hậu cần: 37 ha, 3 bến cho tàu 20.000 tấn, khởi "
                       "công 11/7/2009, dự kiến xong năm 2012, vốn 1.200 tỷ đồng. Năm 2017 chi nhánh Cái Cui của Cảng "
                       "Cần Thơ tiếp nhận tàu đến 20.000 DWT; tuyến tàu container trở lại từ cuối 12/2022. Giai đoạn 1 "
                       "(215 tỷ đồng) khai thác từ 27/4/2006; cạnh đó có cảng Tân Cảng Cái Cui (SNP, 7 ha).",
        description_en="Phase 2 of Cái Cui port (Vinalines) with a logistics area: 37 ha, 3 berths for 20,000-tonne "
                       "ships; groundbreaking on 11 Jul 2009, completion planned for 2012, VND 1.2 trillion. In 2017 "
                       "the Cái Cui branch of Can Tho Port took ships of up to 20,000 DWT; container services resumed "
                       "at the end of Dec 2022. Phase 1 (VND 215 billion) has operated since 27 Apr 2006; the SNP Tân "
                       "Cảng Cái Cui terminal (7 ha) is adjacent.",
        data_notes={
            "status": "the port is in operation (20,000 DWT ships in 2017, container service resumed Dec 2022); "
                      "whether phase 2 was fully completed is not confirmed, and the 2017 plan still asked to "
                      "complete it",
            "progress": "100 follows the in-operation status; completion of phase 2 is not confirmed",
            "actual_end": "phase-2 completion date not found (the 2009 plan was 2012)",
            "planned_end": "from the 2009 groundbreaking report, not from the 2017 plan",
            "planned_start": "no planned start found apart from the 2009 groundbreaking",
            "investment_vnd": "VND 1.2 trillion for phase 2 plus the logistics area (2009 plan; a 2006 estimate "
                              "was VND 542 billion)",
            "lead_agency": "investor Vinalines / Can Tho Port JSC (state shipping corporation, not in the codelist); "
                           "seaport planning by the Ministry of Transport; " + BO_XD,
        },
    ),
    dict(
        id="hung-phu-1-seaport-cluster-a",
        facts=[(10, "Cụm cảng biển tại Khu công nghiệp Hưng Phú I")],
        name_vi="Cụm cảng biển trên sông Hậu tại Khu công nghiệp Hưng Phú I (cụm A)",
        name_en="Seaport cluster on the Hau River at Hung Phu I industrial park (cluster A)",
        sector="transport.water", status="identification", progress=None,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote(PORT_TASK, FOOTNOTE.format(n=3) + "triển khai đầu tư xây dựng cụm cảng biển trên sông Hậu "
                          "tại Khu Công nghiệp Hưng Phú I (cụm A)"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["cai-rang"],
        geometry=pt(9.99, 105.82), location_accuracy="indicative",
        location_note="LOW estimate: Hưng Phú I industrial park on the Hậu bank, Cái Răng (Phú Thứ / Tân Phú wards), "
                      "near Cái Cui. No project site was found.",
        description_vi="Cụm bến cảng biển theo quy hoạch trên bờ sông Hậu tại KCN Hưng Phú I (quận Cái Răng, gần cảng "
                       "Cái Cui). Không tìm thấy nguồn về dự án cụ thể (quy mô, vốn, tiến độ); có thể là hạng mục của "
                       "quy hoạch chi tiết nhóm cảng biển số 6 (QĐ 3383/QĐ-BGTVT ngày 28/10/2016).",
        description_en="Planned seaport terminals on the Hậu bank at Hưng Phú I industrial park (Cái Răng, near Cái "
                       "Cui). No project-level source (size, cost, schedule) was found; probably an item of the "
                       "detailed plan for Seaport Group 6 (Decision 3383/QĐ-BGTVT of 28 Oct 2016).",
        data_notes={
            "status": "no project-level source found; the plan (2017) and the 2016 seaport-group plan (contents not "
                      "verified) are the only basis, so 'identification'",
            "investment_vnd": "no investment figure found",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "lead_agency": "seaport planning by the Ministry of Transport (Vietnam Maritime Administration); the IP "
                           "developer is Saigon - Can Tho IP JSC; " + BO_XD,
        },
    ),
    # ------------------------------------------------------------------ transport: air and rail
    dict(
        id="can-tho-airport-new-routes",
        facts=[(11, "Cảng hàng không quốc tế Cần Thơ")],
        name_vi="Mở thêm đường bay nội địa và quốc tế đi, đến Cảng hàng không quốc tế Cần Thơ",
        name_en="New domestic and international air routes at Can Tho International Airport",
        sector="transport.air", status="implementation", progress=None,
        lead_agency="so-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote("mở thêm các đường bay nội địa và quốc tế đi và đến Cảng hàng không quốc tế Cần Thơ"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["binh-thuy"],
        geometry=pt(10.0839, 105.71), location_accuracy="surveyed",
        location_note="Aerodrome reference point 10°05′02″N 105°42′36″E from AIP Vietnam AD 2 VVCT (Wikipedia: "
                      "10.08528, 105.71194).",
        description_vi="Cảng hàng không quốc tế Cần Thơ: đường băng 06/24 dài 3.000 m, nhà ga thiết kế 3 triệu khách/"
                       "năm; năm 2018 đón 815.000 khách (khoảng 40% công suất). Đường bay mới ghi nhận được: Cần Thơ - "
                       "Vân Đồn (25/4/2023), Cần Thơ - Incheon (từ cuối 2023), Cần Thơ - Đài Loan nối lại 21/01/2024; "
                       "kế hoạch năm 2019 gồm các đường bay của AirAsia, VietJet, Bamboo.",
        description_en="Can Tho International Airport: runway 06/24 of 3,000 m, terminal designed for 3 million "
                       "passengers a year; 815,000 passengers in 2018 (about 40% of capacity). New routes found: Cần "
                       "Thơ - Vân Đồn (25 Apr 2023), Cần Thơ - Incheon (from late 2023), Cần Thơ - Taiwan resumed on "
                       "21 Jan 2024; the 2019 plan listed AirAsia, VietJet and Bamboo routes.",
        data_notes={
            "status": "the airport has operated as an international airport since 1 Jan 2011; adding routes is an "
                      "open-ended task: routes opened in 2023-2024, international routes are intermittent. "
                      "'implementation' means the task is under way (no construction)",
            "actual_start": "no single start date: routes were planned from 2019; the first new route confirmed in "
                            "the sources opened on 25 Apr 2023 (Cần Thơ - Vân Đồn)",
            "actual_end": "open-ended task, no completion date",
            "investment_vnd": "no VND figure for the task; the ~US$150 million international upgrade (2011) "
                              "predates the plan and is not converted",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "description_vi": "whether the 2019 AirAsia routes (Kuala Lumpur, Bangkok) actually flew is uncertain",
            "lead_agency": "airport operated by ACV under CAAV / Southern Airports Authority; route promotion by the "
                           "city Department of Transport and People's Committee (facts and plan III.3.c)",
        },
    ),
    dict(
        id="hcmc-can-tho-railway",
        facts=[(12, "Đường sắt TP Hồ Chí Minh - Cần Thơ")],
        extra_sources=["https://en.wikipedia.org/wiki/D%C4%A9_An", "https://wikiterminal.com/en/D%C4%A9_An"],
        name_vi="Đường sắt TP Hồ Chí Minh - Cần Thơ (nghiên cứu đầu tư)",
        name_en="Ho Chi Minh City - Can Tho railway (study)",
        sector="transport.rail", status="identification", progress=None,
        lead_agency="bo-gtvt", plan_agency="so-gtvt", plan_section="III.3.c",
        plan_target=quote("xúc tiến nhanh việc nghiên cứu đầu tư xây dựng tuyến đường sắt thành phố Hồ Chí Minh - "
                          "Cần Thơ, sớm đầu tư giai đoạn sau năm 2020"),
        planned_start="2027", planned_end="2035", actual_start=None, actual_end=None,
        investment_vnd=238_610_000_000_000,
        districts=["cai-rang"],
        geometry=line((10.90389, 106.76778), (10.0249, 105.7982)), location_accuracy="indicative",
        location_note="Straight schematic line between the two proposed terminal stations; no alignment is given in "
                      "the references. HCMC end: coordinate of Dĩ An (where An Bình station is), 10.90389 N "
                      "106.76778 E from the en.wikipedia 'Dĩ An' infobox (not from the reference facts); Cần Thơ end: "
                      "Hưng Phú ward centroid (GADM-derived), where Cần Thơ station is proposed.",
        description_vi="Tuyến đường sắt khổ 1.435 mm, đường đôi (trước mắt một đường điện khí hóa), tốc độ 160 km/h, "
                       "dài khoảng 175 km từ ga An Bình (Dĩ An, TP HCM) đến ga Cần Thơ (phường Hưng Phú), 12 ga chính "
                       "(báo cáo tiền khả thi 2025). Đề xuất khởi công năm 2027, giai đoạn 1 2027-2035; khái toán "
                       "6/2025: 173,64 nghìn tỷ đồng (giai đoạn 1) và 64,97 nghìn tỷ đồng (giai đoạn 2).",
        description_en="A 1,435 mm double-track railway (single electrified track first), 160 km/h, about 175 km from "
                       "An Bình station (Dĩ An, HCMC) to Cần Thơ station (Hưng Phú ward), 12 main stations (2025 "
                       "pre-feasibility study). Construction proposed for 2027, phase 1 2027-2035; June 2025 estimate: "
                       "VND 173.64 trillion (phase 1) plus VND 64.97 trillion (phase 2).",
        data_notes={
            "status": "study / pre-feasibility, not started: pre-FS assigned in 2021, internal appraisal council "
                      "2024, pre-FS submitted to the Ministry of Construction in 2025",
            "planned_start": "construction proposed for 2027 by the 2025 pre-feasibility study (the plan itself: "
                             "'sớm đầu tư giai đoạn sau năm 2020')",
            "planned_end": "end of phase 1 (2027-2035) in the 2025 proposal",
            "investment_vnd": "sum of the June 2025 estimates (VND 173.64 trillion phase 1 + 64.97 trillion phase "
                              "2); other drafts differ widely (Dec 2024: US$9.86 billion; ~US$16.97m/km), not "
                              "converted",
            "lead_agency": "Ministry of Transport, My Thuan PMU; pre-FS submitted to the Ministry of Construction "
                           "in 2025; " + BO_XD,
            "districts": "only the Cần Thơ terminus (Hưng Phú ward, Cái Răng) is inside the 2017 city",
        },
    ),
]

# ------------------------------------------------------------------ tourism (III.1.b)
TOURISM_COMMON = dict(sector="tourism", lead_agency="so-vhttdl", plan_agency="so-vhttdl", plan_section="III.1.b",
                      plan_target=quote(TOURISM_TASK), planned_start=None, planned_end=None, investment_vnd=None)
TOURISM_NOTES = {
    "planned_start": "the plan gives no dates for the tourism projects",
    "planned_end": "the plan gives no dates for the tourism projects",
    "investment_vnd": "no investment figure found",
}
PROJECTS += [
    dict(
        TOURISM_COMMON,
        id="tourism-con-son",
        facts=[(13, "Cồn Sơn")],
        name_vi="Khu du lịch Cồn Sơn",
        name_en="Con Son islet tourism area",
        status="maintenance", progress=100, actual_start=None, actual_end=None,
        districts=["binh-thuy"],
        geometry=pt(10.077, 105.757), location_accuracy="approximate",
        location_note="Estimated point (medium, about ±1 km): the islet in the Hậu off Bùi Hữu Nghĩa ward (Bình "
                      "Thủy), 600 m - 1 km from the bank and about 6 km upstream of Ninh Kiều wharf.",
        description_vi="Cồn rộng khoảng 67-70 ha trên sông Hậu, đối diện phường Bùi Hữu Nghĩa (Bình Thủy), cách bến "
                       "Ninh Kiều khoảng 6 km; làm du lịch cộng đồng từ cuối 2014/2015 với 74-79 hộ dân; thành lập Hợp "
                       "tác xã Du lịch Nông nghiệp Cồn Sơn năm 2022.",
        description_en="A 67-70 ha islet in the Hậu river off Bùi Hữu Nghĩa ward (Bình Thủy), about 6 km from Ninh "
                       "Kiều wharf; community tourism since late 2014 / 2015 with 74-79 households; the Cồn Sơn "
                       "agricultural tourism cooperative was formed in 2022.",
        data_notes=dict(TOURISM_NOTES, **{
            "status": "operating tourist destination (2025)",
            "actual_start": "community tourism began in late 2014 or 2015 (sources differ)",
            "actual_end": "no completion date: an operating destination developed step by step",
            "lead_agency": "destination run by residents (cooperative since 2022) with Bình Thủy district; the plan "
                           "assigns tourism projects to the Department of Culture, Sports and Tourism",
        }),
    ),
    dict(
        TOURISM_COMMON,
        id="tourism-con-tan-loc",
        facts=[(14, "Cồn (cù lao) Tân Lộc")],
        name_vi="Khu du lịch cồn Tân Lộc",
        name_en="Tan Loc island tourism area",
        status="identification", progress=None, actual_start=None, actual_end=None,
        districts=["thot-not"],
        geometry=pt(10.2482, 105.5737), location_accuracy="approximate",
        location_note="Centroid of Tân Lộc ward (Thốt Nốt, GADM-derived), which is the island itself (33.1 km²); "
                      "the point marks the island, not a project site.",
        description_vi="Cù lao Tân Lộc trên sông Hậu (quận Thốt Nốt), khoảng 3.200 ha, dài khoảng 20 km, giáp An Giang "
                       "và Đồng Tháp, được gọi là 'hòn đảo ngọt'. Theo Trung tâm Xúc tiến du lịch TP Cần Thơ, tiềm năng "
                       "du lịch ở đây vẫn chưa được khai thác tương xứng.",
        description_en="Tân Lộc island in the Hậu river (Thốt Nốt), about 3,200 ha and 20 km long, bordering An Giang "
                       "and Đồng Tháp, known as the 'sweet island'. According to the city tourism promotion centre its "
                       "tourism potential is still under-developed.",
        data_notes=dict(TOURISM_NOTES, **{
            "status": "the island is an existing destination but its tourism is still under-developed (city tourism "
                      "centre article, about 2021); no investment project for a tourism area was found, so the "
                      "status stays at the plan's stage",
            "progress": "no source gives a progress figure",
            "actual_start": "no tourism-area project found",
            "actual_end": "no tourism-area project found",
        }),
    ),
    dict(
        TOURISM_COMMON,
        id="tourism-vuon-co-bang-lang",
        facts=[(15, "Vườn cò Bằng Lăng")],
        name_vi="Vườn cò Bằng Lăng",
        name_en="Bang Lang stork garden",
        status="maintenance", progress=100, actual_start="1997-04", actual_end=None,
        districts=["thot-not"],
        geometry=pt(10.3058, 105.4957), location_accuracy="approximate",
        location_note="Centroid of Thới Thuận ward (Thốt Nốt, GADM-derived), about ±2 km; the garden is in Thới Bình "
                      "/ Thới An hamlet of this ward. Exact garden coordinate unknown.",
        description_vi="Vườn cò tư nhân (ông Nguyễn Ngọc Thuyền) rộng khoảng 1,25-2 ha ở phường Thới Thuận, quận Thốt "
                       "Nốt, nơi trú ngụ của 100.000-200.000 con cò, chim; cò về từ năm 1983, đón khách tham quan từ "
                       "tháng 4/1997.",
        description_en="Private stork garden (owner Nguyễn Ngọc Thuyền) of about 1.25-2 ha in Thới Thuận ward, Thốt "
                       "Nốt, home to 100,000-200,000 storks and other birds; birds arrived in 1983 and visitors have "
                       "been received since April 1997.",
        data_notes=dict(TOURISM_NOTES, **{
            "status": "operating (2025)",
            "actual_start": "month visitors were first received (April 1997)",
            "actual_end": "no completion date: a private garden operating since 1997",
            "lead_agency": "private site; tourism development and promotion by the Department of Culture, Sports "
                           "and Tourism per the plan",
        }),
    ),
    dict(
        TOURISM_COMMON,
        id="tourism-phong-dien-eco-urban",
        facts=[(16, "Khu du lịch sinh thái - đô thị Phong Điền")],
        name_vi="Khu du lịch đô thị sinh thái huyện Phong Điền",
        name_en="Phong Dien eco-urban tourism area",
        status="maintenance", progress=100, actual_start=None, actual_end=None,
        districts=["phong-dien"],
        geometry=pt(9.9983, 105.6632), location_accuracy="indicative",
        location_note="Centroid of Phong Điền district (GADM-derived). The tourism area is the whole district (63 "
                      "sites), not a single place; no project boundary was found.",
        description_vi="Du lịch sinh thái miệt vườn của huyện Phong Điền: hơn 8.500 ha vườn cây ăn trái, 63 điểm du "
                       "lịch trong đó 29 điểm vườn trái cây (2021). Không tìm thấy một dự án 'khu du lịch đô thị sinh "
                       "thái' cụ thể (ranh giới, chủ đầu tư).",
        description_en="Orchard-based eco-tourism in Phong Điền district: over 8,500 ha of fruit orchards and 63 "
                       "tourist sites including 29 orchards (2021). No specific 'eco-urban tourism area' project "
                       "(boundary, investor) was found.",
        data_notes=dict(TOURISM_NOTES, **{
            "status": "the district operates as an eco-tourism area (2021); the specific eco-urban project named in "
                      "the plan was not found (uncertain)",
            "progress": "100 follows the in-operation status of the district's eco-tourism; the specific project "
                        "was not found",
            "actual_start": "no project start found",
            "actual_end": "no completion date: eco-tourism developed site by site",
            "lead_agency": "facts: Phong Điền district / Can Tho People's Committee; the plan assigns tourism "
                           "projects to the Department of Culture, Sports and Tourism",
        }),
    ),
]

# ------------------------------------------------------------------ zones and economy
IP_COMMON = dict(sector="economy.industry", lead_agency="bql-kcn", plan_agency=None, plan_section="III.1.a",
                 planned_start=None, planned_end=None, investment_vnd=None)
IP_NOTES = {
    "plan_agency": III1A_AGENCY,
    "planned_start": "no planned dates found",
    "planned_end": "no planned dates found",
    "investment_vnd": "no investment figure found",
    "lead_agency": "Can Tho Export Processing and Industrial Zones Authority (CEPIZA)",
}
PROJECTS += [
    dict(
        id="hitech-park",
        facts=[(17, "Khu công nghệ cao")],
        name_vi="Khu công nghệ cao Cần Thơ (khu đất 197 ha gần Vườn ươm doanh nghiệp KVIP)",
        name_en="Can Tho hi-tech park (197-ha site near the KVIP incubator)",
        sector="economy.hitech", status="identification", progress=None,
        lead_agency="so-khcn", plan_agency=None, plan_section="III.1.a",
        plan_target=quote(ZONES_TASK),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["o-mon"],
        geometry=pt(10.105, 105.68), location_accuracy="indicative",
        location_note="LOW estimate: the Korea-Vietnam Incubator Park (KVIP) inside Trà Nóc 2 IP (Phước Thới ward, "
                      "Ô Môn). The 197-ha hi-tech park site is about 3 km from KVIP, exact place unknown.",
        description_vi="Khu công nghệ cao của thành phố: năm 2018 đã dành 197 ha, cách Vườn ươm doanh nghiệp Hàn Quốc "
                       "- Việt Nam (KVIP) khoảng 3 km, đang kêu gọi nhà đầu tư. KVIP (21 triệu USD do Chính phủ Hàn "
                       "Quốc tài trợ, 11.000-12.000 m² trong KCN Trà Nóc 2) khởi công 23/11/2013 và hoạt động từ "
                       "khoảng năm 2018.",
        description_en="The city's hi-tech park: 197 ha were set aside in 2018, about 3 km from the Korea-Vietnam "
                       "Incubator Park (KVIP), and investors were being sought. KVIP (US$21 million from the Korean "
                       "government, 11,000-12,000 m² in Trà Nóc 2 IP) broke ground on 23 Nov 2013 and has operated "
                       "since about 2018.",
        data_notes={
            "status": "197-ha park seeking investors (2018), later status not found (uncertain); KVIP nearby is in "
                      "operation. 'identification' because no investment was prepared",
            "actual_start": "not started as far as the sources show",
            "actual_end": "not started as far as the sources show",
            "investment_vnd": "no figure for the park: KVIP US$21 million (not converted); the city hi-tech "
                              "programme (>VND 4,000 billion to 2020) is not specific to the park",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "plan_agency": III1A_AGENCY,
            "lead_agency": "facts: Can Tho People's Committee and Department of Science and Technology",
            "location_note": "the facts' combined hi-tech entry is split: the hi-tech agriculture zone at Thạnh Phú "
                             "is a separate feature; KVIP has no separate feature (it is the park's reference point)",
        },
    ),
    dict(
        id="it-park",
        facts=[(18, "Khu công nghệ thông tin tập trung")],
        name_vi="Khu công nghệ thông tin tập trung Cần Thơ",
        name_en="Can Tho concentrated IT park",
        sector="economy.hitech", status="preparation", progress=None,
        lead_agency="so-tttt", plan_agency=None, plan_section="III.1.a",
        plan_target=quote(ZONES_TASK),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["cai-rang"],
        geometry=pt(10.0013, 105.7781), location_accuracy="approximate",
        location_note="Centroid of Hưng Thạnh ward (Cái Răng, GADM-derived, about ±1.5 km); the park lies in this "
                      "ward.",
        description_vi="Khu công nghệ thông tin tập trung rộng khoảng 200.220 m² (khoảng 20 ha) tại phường Hưng Thạnh, "
                       "quận Cái Răng, được thành lập theo quyết định của Phó Thủ tướng tháng 6/2021; chủ đầu tư là Quỹ "
                       "Đầu tư phát triển TP Cần Thơ. Năm 2023 khu vẫn đang trong quá trình phát triển.",
        description_en="Concentrated IT park of about 200,220 m² (about 20 ha) in Hưng Thạnh ward, Cái Răng, "
                       "established by a Deputy Prime Minister's decision in June 2021; investor: Can Tho Development "
                       "Investment Fund. Still under development in 2023.",
        data_notes={
            "status": "established by decision (June 2021) with a named investor; the sources (2023) say 'under "
                      "development' without confirming construction, so 'preparation'",
            "actual_start": "construction start not found (established by decision in June 2021)",
            "actual_end": "not completed as far as the sources show",
            "investment_vnd": "central and city budget for infrastructure; no figure found",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "plan_agency": III1A_AGENCY,
            "lead_agency": "facts: Government decision, Can Tho People's Committee, investor Can Tho Development "
                           "Investment Fund; recorded under the city's information and communications department",
        },
    ),
    dict(
        id="hitech-agriculture-thanh-phu",
        facts=[(17, "Khu công nghệ cao")],
        sources=[4, 5],
        name_vi="Khu nông nghiệp ứng dụng công nghệ cao Thạnh Phú (Cờ Đỏ)",
        name_en="Thanh Phu hi-tech agriculture zone (Co Do)",
        sector="economy.hitech", status="identification", progress=None,
        lead_agency="so-nnptnt", plan_agency="so-nnptnt", plan_section="III.1.b",
        plan_target=quote("Phát triển nông nghiệp công nghệ cao gắn với thực hiện tái cơ cấu ngành nông nghiệp",
                          "đi đầu trong nghiên cứu, ứng dụng mô hình nông nghiệp đô thị, mô hình nông nghiệp ứng dụng "
                          "công nghệ cao của Vùng"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["co-do"],
        geometry=pt(10.1295, 105.4047), location_accuracy="indicative",
        location_note="Centroid of Thạnh Phú commune (Cờ Đỏ, GADM-derived). The commune is 99.8 km² and the zone "
                      "100 ha, so the point only says 'in this commune'.",
        description_vi="Khu nông nghiệp ứng dụng công nghệ cao Thạnh Phú rộng 100 ha ở xã Thạnh Phú, huyện Cờ Đỏ, được "
                       "thành phố kêu gọi đầu tư. Ngoài ra có 3 trung tâm nông nghiệp công nghệ cao ở Thới Lai và Cờ Đỏ "
                       "(chưa xác định vị trí). Mục III.1.a của Kế hoạch cũng giao kêu gọi đầu tư khu nông nghiệp ứng "
                       "dụng công nghệ cao.",
        description_en="The 100-ha Thạnh Phú hi-tech agriculture zone in Thạnh Phú commune, Cờ Đỏ, for which the city "
                       "invited investors. There are also 3 hi-tech agriculture centres in Thới Lai and Cờ Đỏ (places "
                       "not identified). Section III.1.a of the plan also calls for investment in the zone.",
        data_notes={
            "status": "facts: hi-tech agriculture zones 'partly built'; for Thạnh Phú the source only reports the "
                      "city inviting investors and no later status was found, so 'identification'",
            "actual_start": "not found",
            "actual_end": "not found",
            "investment_vnd": "no figure for the zone",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "lead_agency": "facts: Department of Agriculture and Rural Development (Thạnh Phú zone)",
            "description_en": "the 3 hi-tech agriculture centres in Thới Lai and Cờ Đỏ have no known places and no "
                              "separate features",
        },
    ),
    dict(
        IP_COMMON,
        id="ip-tra-noc-1",
        facts=[(19, "KCN Trà Nóc I")],
        name_vi="Khu công nghiệp Trà Nóc I",
        name_en="Tra Noc I industrial park",
        status="maintenance", progress=100, actual_start="1995", actual_end=None,
        plan_target=quote(IP_EXISTING),
        districts=["binh-thuy"],
        geometry=pt(10.0998, 105.7098), location_accuracy="approximate",
        location_note="Centroid of Trà Nóc ward (Bình Thủy, 6.3 km², GADM-derived), where the park lies.",
        description_vi="KCN Trà Nóc I rộng 135 ha (135,67 ha) ở quận Bình Thủy, thành lập năm 1995, đã lấp đầy 100% "
                       "từ năm 2010.",
        description_en="Trà Nóc I industrial park, 135 ha (135.67 ha) in Bình Thủy, established in 1995 and fully "
                       "occupied since 2010.",
        data_notes=dict(IP_NOTES, **{
            "actual_start": "year the park was established",
            "actual_end": "no completion date found; the park was fully occupied by 2010",
        }),
    ),
    dict(
        IP_COMMON,
        id="ip-tra-noc-2",
        facts=[(20, "KCN Trà Nóc II")],
        name_vi="Khu công nghiệp Trà Nóc II",
        name_en="Tra Noc II industrial park",
        status="maintenance", progress=100, actual_start="1998", actual_end=None,
        plan_target=quote(IP_EXISTING),
        districts=["o-mon"],
        geometry=pt(10.1087, 105.677), location_accuracy="approximate",
        location_note="Centroid of Phước Thới ward (Ô Môn, 28.2 km², GADM-derived), where the park lies; about "
                      "±3 km.",
        description_vi="KCN Trà Nóc II rộng 155 ha (157,7 ha theo một số nguồn) ở phường Phước Thới, quận Ô Môn, thành "
                       "lập năm 1998, lấp đầy khoảng 90%; trong khu có Vườn ươm doanh nghiệp KVIP.",
        description_en="Trà Nóc II industrial park, 155 ha (157.7 ha in some sources) in Phước Thới ward, Ô Môn, "
                       "established in 1998 and about 90% occupied; the KVIP incubator is inside it.",
        data_notes=dict(IP_NOTES, **{
            "actual_start": "year the park was established",
            "actual_end": "no completion date found; about 90% occupied",
        }),
    ),
    dict(
        IP_COMMON,
        id="ip-hung-phu-1",
        facts=[(21, "KCN Hưng Phú I")],
        name_vi="Khu công nghiệp Hưng Phú I",
        name_en="Hung Phu I industrial park",
        status="maintenance", progress=100, actual_start=None, actual_end=None,
        plan_target=quote(IP_EXISTING),
        districts=["cai-rang"],
        geometry=pt(9.99, 105.815), location_accuracy="indicative",
        location_note="LOW estimate: Cái Răng riverside (Phú Thứ / Tân Phú wards), near Cái Cui port.",
        description_vi="KCN Hưng Phú I rộng 262-270 ha ven sông Hậu, quận Cái Răng, gần cảng Cái Cui; do Công ty CP KCN "
                       "Sài Gòn - Cần Thơ phát triển; đang hoạt động (2023).",
        description_en="Hưng Phú I industrial park, 262-270 ha on the Hậu river in Cái Răng near Cái Cui port, "
                       "developed by Saigon - Can Tho IP JSC; operating (2023).",
        data_notes=dict(IP_NOTES, **{
            "actual_start": "established 2005/2006 (listed in Decision 1107/QĐ-TTg of 21 Jun 2006); exact date "
                            "uncertain",
            "actual_end": "no completion date found",
        }),
    ),
    dict(
        IP_COMMON,
        id="ip-hung-phu-2",
        facts=[(22, "KCN Hưng Phú II")],
        name_vi="Khu công nghiệp Hưng Phú II (2A, 2B)",
        name_en="Hung Phu II industrial park (2A, 2B)",
        status="maintenance", progress=100, actual_start=None, actual_end=None,
        plan_target=quote(IP_EXISTING),
        districts=["cai-rang"],
        geometry=pt(9.985, 105.80), location_accuracy="indicative",
        location_note="LOW estimate in Cái Răng; one point for both parts (2A and 2B), whose places are not known "
                      "separately.",
        description_vi="KCN Hưng Phú 2A (134 ha) và 2B (62,63 ha) ở quận Cái Răng; nằm trong danh sách 7 KCN của thành "
                       "phố năm 2023.",
        description_en="Hưng Phú 2A (134 ha) and 2B (62.63 ha) industrial parks in Cái Răng; listed among the city's "
                       "7 industrial parks in 2023.",
        data_notes=dict(IP_NOTES, **{
            "status": "listed among the 7 operating IPs in 2023",
            "actual_start": "establishment date not found",
            "actual_end": "no completion date found",
        }),
    ),
    dict(
        IP_COMMON,
        id="ip-thot-not",
        facts=[(23, "KCN Thốt Nốt")],
        name_vi="Khu công nghiệp Thốt Nốt",
        name_en="Thot Not industrial park",
        status="maintenance", progress=100, actual_start=None, actual_end=None,
        plan_target=quote(IP_EXISTING),
        districts=["thot-not"],
        geometry=pt(10.27, 105.53), location_accuracy="indicative",
        location_note="LOW estimate inside Thốt Nốt district; the ward is not known.",
        description_vi="KCN Thốt Nốt quy hoạch 600 ha (2013); giai đoạn 1 đang hoạt động, giai đoạn 2 (400 ha) được đề "
                       "xuất dời sang vị trí khác.",
        description_en="Thốt Nốt industrial park, planned at 600 ha (2013); phase 1 is operating and relocation of "
                       "phase 2 (400 ha) has been proposed.",
        data_notes=dict(IP_NOTES, **{
            "status": "phase 1 operating (2023); phase 2 (400 ha) relocation proposed",
            "progress": "100 refers to the operating phase 1 only",
            "actual_start": "establishment date not found",
            "actual_end": "no completion date found",
        }),
    ),
    dict(
        IP_COMMON,
        id="ip-o-mon",
        facts=[(24, "KCN Ô Môn")],
        name_vi="Khu công nghiệp Ô Môn và Bắc Ô Môn (chưa xây dựng)",
        name_en="O Mon and North O Mon industrial parks (not built)",
        status="identification", progress=None, actual_start=None, actual_end=None,
        plan_target=quote(ZONES_TASK),
        districts=["o-mon"],
        geometry=pt(10.1269, 105.6331), location_accuracy="indicative",
        location_note="Centroid of Ô Môn district (GADM-derived), LOW: the planned sites were not built and were "
                      "proposed to move along provincial road 922 towards Thới Lai / Cờ Đỏ.",
        description_vi="KCN Ô Môn (600 ha) và Bắc Ô Môn (400 ha) theo quy hoạch nhưng chưa được xây dựng; thành phố đề "
                       "xuất gộp và dời thành một khu 1.000 ha dọc đường tỉnh 922. Không có trong danh sách 7 KCN năm "
                       "2023.",
        description_en="Ô Môn (600 ha) and North Ô Môn (400 ha) industrial parks were planned but not built; the city "
                       "proposed merging and moving them into one 1,000-ha park along provincial road 922. They are "
                       "absent from the 2023 list of 7 industrial parks.",
        data_notes=dict(IP_NOTES, **{
            "status": "NOT built as planned; merger / relocation proposed, so still 'identification'",
            "actual_start": "not built",
            "actual_end": "not built",
        }),
    ),
    dict(
        id="regional-logistics-centre",
        facts=[(25, "Trung tâm logistics vùng")],
        name_vi="Trung tâm logistics (hậu cần) vùng ĐBSCL tại khu vực cảng Cái Cui",
        name_en="Mekong Delta regional logistics centre at the Cai Cui port area",
        sector="economy.logistics", status="identification", progress=None,
        lead_agency="so-ct", plan_agency="so-ct", plan_section="III.1.b",
        plan_target=quote("Khuyến khích đầu tư phát triển chợ đầu mối, phố chuyên doanh, nhất là trung tâm hậu cần "
                          "logistic vùng ĐBSCL"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=["cai-rang"],
        geometry=pt(9.99, 105.83), location_accuracy="indicative",
        location_note="Estimate (low-medium): the Cái Cui port area, Cái Răng; the 242.2-ha site boundary is not "
                      "known.",
        description_vi="Trung tâm logistics hạng II cấp vùng rộng 242,2 ha tại khu vực cảng Cái Cui (quận Cái Răng): "
                       "thành phố kêu gọi nhà đầu tư từ tháng 7/2017, đến năm 2023 vẫn trong quy hoạch, chưa xây dựng. "
                       "Năm 2023 còn đề xuất thêm một trung tâm logistics nông sản 3.300 ha.",
        description_en="A 242.2-ha grade-II regional logistics centre at the Cái Cui port area (Cái Răng): investors "
                       "were sought from July 2017 and it was still only planned, not built, in 2023. A separate "
                       "3,300-ha agricultural logistics centre was proposed in 2023.",
        data_notes={
            "status": "planned, investors sought since July 2017, not built as of 2023; later status not found",
            "actual_start": "not started as far as the sources show",
            "actual_end": "not started as far as the sources show",
            "investment_vnd": "no investment figure found",
            "planned_start": "no planned dates found",
            "planned_end": "no planned dates found",
            "lead_agency": "facts: Government (national logistics plan), city Department of Industry and Trade, "
                           "Can Tho People's Committee",
        },
    ),
    dict(
        id="wholesale-markets",
        facts=[],
        name_vi="Khuyến khích đầu tư phát triển chợ đầu mối",
        name_en="Encouraging investment in wholesale markets",
        sector="economy.trade", status="identification", progress=None,
        lead_agency="so-ct", plan_agency="so-ct", plan_section="III.1.b",
        plan_target=quote("Khuyến khích đầu tư phát triển chợ đầu mối, phố chuyên doanh"),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=[],
        geometry=pt(10.0433764, 105.7864891), location_accuracy="indicative",
        location_note="PLACEHOLDER, not a market location: the reference facts hold no specific wholesale market, so "
                      "the task is pinned at the city centre, using the alternative geocoded point of Ninh Kiều "
                      "district from the reference facts.",
        description_vi="Nhiệm vụ khuyến khích đầu tư phát triển chợ đầu mối (và phố chuyên doanh) trên địa bàn thành "
                       "phố. Dữ liệu tham chiếu không có chợ đầu mối cụ thể nào; điểm trên bản đồ chỉ đánh dấu trung "
                       "tâm thành phố.",
        description_en="The plan's task of encouraging investment in wholesale markets (and specialised shopping "
                       "streets) across the city. The reference data hold no specific wholesale market; the map point "
                       "only marks the city centre.",
        data_notes={
            "status": "a city-wide encouragement task in the plan; no market project was found in the references",
            "actual_start": "no project found",
            "actual_end": "no project found",
            "investment_vnd": "no project found",
            "planned_start": "the plan gives no dates",
            "planned_end": "the plan gives no dates",
            "districts": "city-wide task; no market site known",
            "sources": "only the plan; no fact about a specific market was found",
        },
    ),
    dict(
        id="mekong-technology-exchange",
        facts=[(26, "Sàn giao dịch công nghệ vùng")],
        name_vi="Sàn giao dịch công nghệ vùng ĐBSCL tại thành phố Cần Thơ",
        name_en="Mekong Delta regional technology exchange in Can Tho",
        sector="economy.hitech", status="identification", progress=None,
        lead_agency="so-khcn", plan_agency="so-khcn", plan_section="III.2.b",
        plan_target=quote("Chủ động xây dựng đề án, phối hợp Bộ Khoa học và Công nghệ đề xuất Trung ương quyết định "
                          "thành lập Sàn Giao dịch công nghệ vùng ĐBSCL tại thành phố Cần Thơ."),
        planned_start=None, planned_end=None, actual_start=None, actual_end=None, investment_vnd=None,
        districts=[],
        geometry=pt(10.0308, 105.7643), location_accuracy="indicative",
        location_note="PLACEHOLDER, not a site: no institution or building was found, so the task is pinned at the "
                      "city centre, the centroid of Ninh Kiều district (GADM-derived). Related events were held at "
                      "KVIP in Trà Nóc 2 IP (2022).",
        description_vi="Đề án đề xuất Trung ương thành lập Sàn giao dịch công nghệ vùng ĐBSCL đặt tại Cần Thơ. Không "
                       "tìm thấy tổ chức thường trực nào; các sự kiện liên quan: Techmart - Techfest Mekong 2019 và "
                       "Techfest Mekong 2022 (tại KVIP, KCN Trà Nóc 2) tổ chức ở Cần Thơ.",
        description_en="Proposal to the central government to set up a Mekong Delta regional technology exchange in "
                       "Cần Thơ. No permanent institution was found; related events: Techmart-Techfest Mekong 2019 "
                       "and Techfest Mekong 2022 (at KVIP, Trà Nóc 2 IP) in Cần Thơ.",
        data_notes={
            "status": "no permanent exchange found (uncertain); the plan's stage (a proposal to the centre) is kept",
            "actual_start": "not established as far as the sources show",
            "actual_end": "not established as far as the sources show",
            "investment_vnd": "no investment figure found",
            "planned_start": "the plan gives no dates",
            "planned_end": "the plan gives no dates",
            "districts": "city-level institution; no site known",
            "lead_agency": "the plan: Department of Science and Technology with the Ministry of Science and "
                           "Technology (bo-khcn)",
            "sector": "no codelist entry for a technology market; filed under hi-tech and IT",
        },
    ),
]

# ------------------------------------------------------------------ rural: the 36 new-rural communes (II.3)
NTM_TARGET = "(11) Xây dựng, hoàn thành 100% xã đạt chuẩn nông thôn mới (36/36 xã)."
NTM_DISTRICT = {  # district -> (year recognised, recognition vi, inference vi, evidence en)
    "Phong Điền": (2015, "Huyện Phong Điền được công nhận đạt chuẩn nông thôn mới năm 2015 (huyện đầu tiên của "
                         "thành phố)", "nên xã đạt chuẩn chậm nhất năm 2015",
                   "Phong Điền district was recognised as new-rural in 2015 (the first in the city)"),
    "Vĩnh Thạnh": (2018, "9/9 xã của huyện Vĩnh Thạnh đạt chuẩn trước cuối tháng 6/2018; huyện được công nhận năm "
                         "2018 (QĐ 900/QĐ-TTg)", "",
                   "all 9 Vĩnh Thạnh communes by end-June 2018; district recognised in 2018 (QĐ 900/QĐ-TTg)"),
    "Cờ Đỏ": (2019, "Huyện Cờ Đỏ được công nhận đạt chuẩn nông thôn mới năm 2019", "nên xã đạt chuẩn chậm nhất năm "
                    "2019", "Cờ Đỏ district recognised as new-rural in 2019"),
    "Thới Lai": (2019, "Huyện Thới Lai được công nhận đạt chuẩn nông thôn mới năm 2019", "nên xã đạt chuẩn chậm nhất "
                       "năm 2019", "Thới Lai district recognised as new-rural in 2019"),
}
DISTRICT_CODE_BY_NAME = {v[1].split(" ", 1)[1]: v[0] for v in DISTRICTS.values()}


def read_communes_table(reference: str) -> list[dict]:
    rows = []
    with open(os.path.join(reference, "communes_table.md"), encoding="utf-8") as f:
        for raw in f:
            cells = [c.strip() for c in raw.strip().strip("|").split("|")]
            if len(cells) < 5 or cells[0].startswith(("District", "---")):
                continue
            lat, lon = (float(v) for v in cells[2].split(","))
            rows.append({"district": cells[0], "name": cells[1], "lat": lat, "lon": lon,
                         "area_km2": float(cells[3]), "evidence": cells[4]})
    return rows


def rural_projects(reference: str, facts: list) -> list[dict]:
    centroids = json.load(open(os.path.join(reference, "can_tho_2017_units_centroids.json"), encoding="utf-8"))
    by_name = {}
    for c in centroids["communes"]:
        if c["type"] == "Xã":
            dname = DISTRICTS[c["district"]][1].split(" ", 1)[1]
            by_name[(dname, restore_spaces(c["name"]))] = c
    fact_by_name = {e["name_vi"]: i for i, e in enumerate(facts)}
    out = []
    for row in read_communes_table(reference):
        dname, name = row["district"], row["name"]
        code = DISTRICT_CODE_BY_NAME[dname]
        c = by_name[(dname, name)]
        assert (round(c["lat"], 4), round(c["lon"], 4)) == (row["lat"], row["lon"]), name
        fi = fact_by_name[f"Xã {name}"]
        assert facts[fi]["coordinates"]["lat"] == row["lat"], name
        year, recog_vi, infer_vi, ev_en = NTM_DISTRICT[dname]
        extra_vi, extra_en = [], []
        ev = row["evidence"]
        if "≤2014" in ev:
            year = 2014
            extra_vi.append("Xã nằm trong 5 xã đầu tiên của thành phố đạt chuẩn (đến năm 2014).")
            extra_en.append("among the first 5 communes of the city to reach the standard, by 2014")
        elif "targeted 2015 (unconfirmed)" in ev:
            extra_vi.append("Xã từng được đặt mục tiêu đạt chuẩn năm 2015 (chưa xác nhận).")
            extra_en.append("targeted for 2015 (unconfirmed)")
        elif "targeted 2015" in ev:
            extra_vi.append("Xã được đặt mục tiêu đạt chuẩn năm 2015.")
            extra_en.append("targeted for 2015")
        if "appraised 2018" in ev:
            extra_vi.append("Xã được thẩm định năm 2018.")
            extra_en.append("appraised in 2018")
        evidence_en = "; ".join(extra_en + [ev_en])
        ev_vi = recog_vi + (", " + infer_vi if infer_vi and year != 2014 else "") + "."
        area = f"{row['area_km2']:.1f}"
        dname_en = [v[2] for v in DISTRICTS.values() if v[0] == code][0].replace(" rural district", "")
        name_en = ascii_fold(name)
        out.append(dict(
            id=f"ntm-{code}-{slug(name)}",
            facts=[(fi, f"Xã {name}")],
            name_vi=f"Xã {name} (huyện {dname}) đạt chuẩn nông thôn mới",
            name_en=f"{name_en} commune ({dname_en} district): new-rural standard",
            sector="rural.ntm", status="completion", progress=100,
            lead_agency="so-nnptnt", plan_agency="so-nnptnt", plan_section="II.3",
            plan_target=quote(NTM_TARGET),
            planned_start="2011", planned_end="2020", actual_start=None, actual_end=str(year),
            investment_vnd=None, districts=[code], ntm_year=year,
            geometry=pt(row["lat"], row["lon"]), location_accuracy="approximate",
            location_note="Centroid of the 2017 commune polygon (GADM-derived, can_tho_2017_units_centroids.json); "
                          "one point for the whole commune, about ±1-3 km.",
            description_vi=(f"Xã {name}, huyện {dname} (khoảng {area.replace('.', ',')} km²), một trong 36 xã của mục "
                            f"tiêu 100% xã đạt chuẩn nông thôn mới đến năm 2020. " + " ".join(extra_vi + [ev_vi]) +
                            " Từ 01/7/2025 xã được sáp nhập vào một xã mới của TP Cần Thơ mở rộng."),
            description_en=(f"{name} commune, {dname} district (about {area} km²), one of the 36 communes of the "
                            f"target of 100% new-rural communes by 2020. Evidence: {evidence_en}, so it reached "
                            f"the standard by {year} at the latest. Since 1 Jul 2025 it is part of a merged commune "
                            f"of the enlarged Cần Thơ city."),
            data_notes={
                "ntm_year": f"latest year by which the commune reached the standard ({evidence_en}); the exact "
                            f"recognition year was not found",
                "actual_end": f"upper bound, not the recognition date: the standard was reached by {year} at the "
                              f"latest ({evidence_en})",
                "actual_start": "commune start date not found (the national programme ran 2011-2020)",
                "planned_start": "start of the national new-rural programme 2011-2020 named in the plan (III.1.b)",
                "planned_end": "target year of the plan's indicator (11), 2020",
                "investment_vnd": "no commune-level investment figure in the sources",
                "disbursed_vnd": "no commune-level figure in the sources",
                "plan_agency": "section III.1.b gives completing the national new-rural programme to the Department "
                               "of Agriculture and Rural Development (with the other departments of III.1.b)",
                "lead_agency": "facts: Can Tho People's Committee, city Coordination Office for New Rural "
                               "Development, MARD (national programme)",
            },
        ))
    assert len(out) == 36, len(out)
    return out


# ------------------------------------------------------------------ build
SCHEMA_ORDER = ["id", "name_vi", "name_en", "sector", "status", "progress", "lead_agency", "plan_agency",
                "plan_section", "plan_target", "planned_start", "planned_end", "actual_start", "actual_end",
                "investment_vnd", "disbursed_vnd", "districts", "description_vi", "description_en",
                "location_accuracy", "location_note", "sources", "data_notes", "ntm_year", "updated_at"]
GENERIC_NOTES = {
    "planned_start": "no planned start date found",
    "planned_end": "no planned completion date found",
    "actual_start": "actual start date not found",
    "investment_vnd": "no VND investment figure found",
    "disbursed_vnd": "no source found for the disbursed amount",
    "progress": "no source gives a physical progress percentage",
}
EXTRA_URL_WHITELIST = {"https://en.wikipedia.org/wiki/D%C4%A9_An", "https://wikiterminal.com/en/D%C4%A9_An"}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_quote(plan_text: str, target: str, pid: str) -> None:
    for fragment in target.split(" … "):
        fragment = re.sub(r"^\(chú thích \d\) ", "", fragment)
        assert normalise(fragment) in plan_text, f"{pid}: plan_target fragment not in the plan: {fragment!r}"


def make_feature(spec: dict, facts: list, fact_urls: set, plan_text: str) -> dict:
    pid = spec["id"]
    # sources
    urls = []
    for idx, expected in spec["facts"]:
        assert facts[idx]["name_vi"].startswith(expected), (pid, facts[idx]["name_vi"])
    if "sources" in spec:
        base = facts[spec["facts"][0][0]]["sources"]
        urls = [base[s] if isinstance(s, int) else s for s in spec["sources"]]
    else:
        for idx, _ in spec["facts"]:
            urls += [u for u in facts[idx]["sources"] if u not in urls]
    urls += spec.get("extra_sources", [])
    for u in urls:
        assert u in fact_urls or u in EXTRA_URL_WHITELIST, (pid, u)
    sources = urls + [PLAN_SOURCE.format(section=spec["plan_section"])]

    check_quote(plan_text, spec["plan_target"], pid)

    geom = river_line(spec["river"]) if "river" in spec else spec["geometry"]
    geom = shapely.transform(geom, lambda a: a.round(7))

    props = {k: spec.get(k) for k in SCHEMA_ORDER if k not in ("sources", "data_notes", "updated_at", "ntm_year")}
    props["disbursed_vnd"] = None
    props["sources"] = sources
    notes = dict(spec.get("data_notes") or {})
    for field, note in GENERIC_NOTES.items():
        if props.get(field) is None and field not in notes:
            notes[field] = note
    for field in ("actual_end",):
        if props.get(field) is None and field not in notes:
            notes[field] = ("not completed" if props["status"] in ("identification", "preparation", "implementation")
                            else "completion date not found")
    if props["plan_agency"] is None:
        assert "plan_agency" in notes, pid
    if not props["districts"]:
        assert "districts" in notes, pid
    props["data_notes"] = {k: notes[k] for k in SCHEMA_ORDER if k in notes}
    assert set(props["data_notes"]) == set(notes), (pid, set(notes) - set(SCHEMA_ORDER))
    if spec["sector"] == "rural.ntm":
        props["ntm_year"] = spec["ntm_year"]
    props["updated_at"] = UPDATED_AT
    props = {k: props[k] for k in SCHEMA_ORDER if k in props}
    return {"type": "Feature", "id": pid, "geometry": mapping(geom), "properties": props}


def validate(features: list, schema_path: str, layers_dir: str) -> list[str]:
    problems = []
    schema = json.load(open(schema_path, encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    allowed_geom = {o["const"]: o["x-geometry"] for o in
                    schema["properties"]["properties"]["properties"]["sector"]["oneOf"]}
    ids = Counter(f["id"] for f in features)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    for f in features:
        p = f["properties"]
        for e in validator.iter_errors(f):
            problems.append(f"{f['id']}: schema: {list(e.absolute_path)} {e.message}")
        g = shape(f["geometry"])
        if g.is_empty or not g.is_valid:
            problems.append(f"{f['id']}: invalid or empty geometry")
        if f["geometry"]["type"] not in allowed_geom[p["sector"]]:
            problems.append(f"{f['id']}: {f['geometry']['type']} not allowed for {p['sector']}")
        for x, y in shapely.get_coordinates(g):
            if not (104.9 <= x <= 106.9 and 9.4 <= y <= 11.0):
                problems.append(f"{f['id']}: coordinate outside the region box: {x}, {y}")
            if round(x, 7) != x or round(y, 7) != y:
                problems.append(f"{f['id']}: more than 7 decimals")
        for a, b in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if p.get(a) and p.get(b) and p[a] > p[b][:len(p[a])]:
                problems.append(f"{f['id']}: {a} {p[a]} after {b} {p[b]}")
        if p["status"] in ("completion", "maintenance") and not p.get("actual_end") \
                and "actual_end" not in (p.get("data_notes") or {}):
            problems.append(f"{f['id']}: {p['status']} without actual_end or note")
        if f["id"] != p["id"]:
            problems.append(f"{f['id']}: Feature id differs from properties.id")
    # the app's own validator, when importable
    try:
        sys.path.insert(0, ROOT)
        from gis.schema import validate_collection  # type: ignore
        problems += [f"gis.schema: {pr}" for pr in validate_collection({"type": "FeatureCollection",
                                                                         "features": features})]
    except ImportError as exc:  # pragma: no cover
        print(f"(gis.schema not importable: {exc})")
    # districts listed vs the indicative district polygons (informational)
    path = os.path.join(layers_dir, "districts.geojson")
    if os.path.exists(path):
        polys = {d["id"]: shape(d["geometry"]) for d in json.load(open(path, encoding="utf-8"))["features"]}
        for f in features:
            g = shape(f["geometry"])
            touched = sorted(k for k, poly in polys.items() if poly.intersects(g))
            listed = sorted(f["properties"]["districts"])
            if touched != listed:
                print(f"  note: {f['id']}: districts {listed}; indicative polygons touched: {touched}")
    return problems


def build(reference: str, plan_path: str, out: str, schema_path: str, layers_dir: str) -> list[dict]:
    facts = json.load(open(os.path.join(reference, "facts.json"), encoding="utf-8"))
    fact_urls = {u for e in facts for u in e["sources"]}
    md = open(os.path.join(reference, "facts.md"), encoding="utf-8").read()
    fact_urls |= set(re.findall(r"https?://[^\s)|;]+", md))
    plan_text = normalise(open(plan_path, encoding="utf-8").read())
    specs = PROJECTS + rural_projects(reference, facts)
    features = [make_feature(s, facts, fact_urls, plan_text) for s in specs]
    problems = validate(features, schema_path, layers_dir)
    if problems:
        print("\n".join(problems))
        raise SystemExit(f"{len(problems)} problem(s); nothing written")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "name": "projects", "features": features}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    return features


def summary(features: list) -> None:
    print(f"{len(features)} features written")
    for key in ("sector", "status", "lead_agency", "location_accuracy"):
        counts = Counter(f["properties"][key] for f in features)
        print(f"by {key}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("rural.ntm by ntm_year:", dict(sorted(Counter(f["properties"].get("ntm_year") for f in features
                                                          if f["properties"]["sector"] == "rural.ntm").items())))
    print("geometry:", dict(Counter(f["geometry"]["type"] for f in features)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", default=DEFAULT_REFERENCE)
    ap.add_argument("--plan", default=DEFAULT_PLAN)
    ap.add_argument("--out", default=os.path.join(ROOT, "projects.geojson"))
    ap.add_argument("--schema", default=os.path.join(ROOT, "gis", "project.schema.json"))
    ap.add_argument("--layers", default=os.path.join(ROOT, "layers"))
    args = ap.parse_args(argv)
    summary(build(args.reference, args.plan, args.out, args.schema, args.layers))


if __name__ == "__main__":
    main()
