"""Who publishes a synthetic report: a government or one of its departments, at a
real GB/T 2260 region drawn from the gazetteer (`ingest.regions.load_gazetteer`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ingest.regions import load_gazetteer

# Hong Kong, Macao and Taiwan publish no reports under the 条例.
EXCLUDED_PROVINCES = ("71", "81", "82")
LEVEL_WEIGHTS = {"county": 0.72, "prefecture": 0.22, "province": 0.06}
DEPARTMENTS = {
    "province": ("公安厅", "教育厅", "财政厅", "自然资源厅", "生态环境厅", "交通运输厅", "卫生健康委员会",
                 "人力资源和社会保障厅", "住房和城乡建设厅", "市场监督管理局"),
    "other": ("公安局", "教育局", "财政局", "自然资源局", "生态环境局", "交通运输局", "卫生健康委员会",
              "人力资源和社会保障局", "住房和城乡建设局", "市场监督管理局", "民政局", "水利局", "农业农村局"),
}


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: str  # province, prefecture, county
    province: str  # province name
    prefecture: str | None  # prefecture name, None for provinces, prefectures and municipal districts


@dataclass(frozen=True, slots=True)
class Issuer:
    place: Place
    name: str  # as printed: 郏县人民政府, 平顶山市公安局
    kind: str  # government, general_office, department
    title_name: str  # what the title prints before the year


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[Place, ...]]:
    """Current regions by level, each with the names of its province and prefecture."""
    g = load_gazetteer().filter(pl.col("is_current"))
    names = dict(zip(g["region_code"], g["region_name"], strict=True))
    out: dict[str, list[Place]] = {level: [] for level in LEVEL_WEIGHTS}
    for row in g.iter_rows(named=True):
        code, name, level = row["region_code"], row["region_name"], row["region_level"]
        if code[:2] in EXCLUDED_PROVINCES or len(name) < 2 or level not in out or row["change_kind"] == "zone":
            continue  # a functional zone (雄安新区) is no division: its reports read as its host's
        province = names.get(row["province_code"], "")
        if level == "prefecture" and name == province:
            continue  # a municipality's prefecture row repeats the province
        prefecture = names.get(row["prefecture_code"] or "") if level == "county" else None
        if prefecture == province:
            prefecture = None
        out[level].append(Place(code, name, level, province, prefecture))
    return {k: tuple(v) for k, v in out.items()}


def draw_place(rng: random.Random) -> Place:
    level = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]
    return rng.choice(places()[level])


def government_word(place: Place) -> str:
    return "行政公署" if place.name.endswith("地区") else "人民政府"


def draw_issuer(rng: random.Random, department_share: float) -> Issuer:
    place = draw_place(rng)
    if rng.random() < department_share:
        dept = rng.choice(DEPARTMENTS["province" if place.level == "province" else "other"])
        name = place.name + dept
        return Issuer(place, name, "department", name)
    gov = place.name + government_word(place)
    if rng.random() < 0.15:
        return Issuer(place, gov + "办公室", "general_office", gov + "办公室")
    return Issuer(place, gov, "government", rng.choice([gov, gov, place.name]))


def context_phrase(place: Place) -> str:
    """The chain of higher regions as reports name it (河南省平顶山市), for disambiguation."""
    return place.province + (place.prefecture or "") if place.level != "province" else ""
