"""The tables the demo data is drawn from, and small helpers to draw from them.

Names, places, companies and texts are data, in ``resources/demo/tables.json``
(loaded once, when the demo is first generated); the tables tied to the
domain's enums (channels, loyalty) are written here.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from pypinyin import Style, lazy_pinyin

from desktop_crm.domain import search
from desktop_crm.domain.dates import LUNAR, DateSpec
from desktop_crm.domain.enums import (
    Channel,
    Loyalty,
)
from desktop_crm.domain.search import sort_key
from desktop_crm.resources import resource_path

T = TypeVar("T")


class Weighted(Generic[T]):
    """Picks a value with probability proportional to its weight."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _w in items]
        self.cum = list(accumulate(w for _v, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


def ranked(values: Sequence[T], bias: float = 6.0) -> Weighted[T]:
    """Earlier values are more common (roughly Zipf-like)."""
    return Weighted([(v, 1.0 / (i + bias)) for i, v in enumerate(values)])


def _tupled(value: Any) -> Any:
    """JSON lists back as the tuples the tables were written as."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


# names, places, companies, texts: resources/demo/tables.json
with resource_path("demo", "tables.json").open(encoding="utf-8") as _fh:
    _DATA: dict[str, Any] = json.load(_fh)


# -- names ----------------------------------------------------------------------

SURNAMES = ranked([_tupled(v) for v in _DATA["surnames"]], bias=8.0)
MALE_CHARS = _DATA["male_chars"]
FEMALE_CHARS = _DATA["female_chars"]
MALE_GIVEN = _tupled(_DATA["male_given"])
FEMALE_GIVEN = _tupled(_DATA["female_given"])

EN_MALE = _tupled(_DATA["en_male"])
EN_FEMALE = _tupled(_DATA["en_female"])
EN_LAST = _tupled(_DATA["en_last"])

SALES = _tupled(_DATA["sales"])

# -- places ---------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    province: str
    name: str  # 杭州市
    area_code: str
    districts: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.name.removesuffix("市")


CITIES = Weighted([(City(p, n, c, tuple(d)), w) for p, n, c, d, w in _DATA["cities"]])
ROADS = _tupled(_DATA["roads"])
BUILDINGS = _tupled(_DATA["buildings"])
ESTATES = _tupled(_DATA["estates"])
HOMETOWNS = _tupled(_DATA["hometowns"])
ABROAD = _tupled(_DATA["abroad"])

# -- organisations --------------------------------------------------------------

BRANDS = _tupled(_DATA["brands"])
# business word -> industry
TRADES = Weighted([(_tupled(v), w) for v, w in _DATA["trades"]])
SHOPS = _tupled(_DATA["shops"])
SOE = _tupled(_DATA["soe"])
GOV = _tupled(_DATA["gov"])
EN_WORDS = _tupled(_DATA["en_words"])
EN_TRADES = _tupled(_DATA["en_trades"])
EN_SUFFIXES = _tupled(_DATA["en_suffixes"])
# head count -> plausible registered assets
SCALES = Weighted([(_tupled(v), w) for v, w in _DATA["scales"]])
INDUSTRIES = _tupled(_DATA["industries"])

TITLES = ranked([_tupled(v) for v in _DATA["titles"]], bias=4.0)
GOV_TITLES = _tupled(_DATA["gov_titles"])
SHOP_TITLES = _tupled(_DATA["shop_titles"])
EN_TITLES = _tupled(_DATA["en_titles"])

SOURCES = Weighted([(_tupled(v), w) for v, w in _DATA["sources"]])
MAIL_DOMAINS = Weighted([(_tupled(v), w) for v, w in _DATA["mail_domains"]])
TAGS = Weighted([(_tupled(v), w) for v, w in _DATA["tags"]])
NOTES = _tupled(_DATA["notes"])
CUSTOM_LABELS = _tupled(_DATA["custom_labels"])

# -- timeline --------------------------------------------------------------------

SUMMARIES: dict[str, tuple[str, ...]] = {
    Channel.VISIT.value: ("拜访客户，介绍新产品", "上门拜访，了解今年采购计划", "到工厂参观生产线",
                          "拜访并送样品", "陪同技术人员现场调试设备", "拜访客户，收集使用反馈"),
    Channel.CALL.value: ("电话回访，了解产品使用情况", "电话沟通报价", "电话确认发货时间",
                         "电话邀约下周见面", "交货后电话致谢", "电话催收货款"),
    Channel.WECHAT.value: ("微信沟通报价", "微信发送产品资料", "微信确认订单细节", "微信问候近况",
                           "微信发送新品目录"),
    Channel.EMAIL.value: ("发送报价单", "邮件发送合同草稿", "邮件确认对账单", "发送感谢信"),
    Channel.MEETING.value: ("参加客户年会", "洽谈年度合作框架", "商务宴请", "技术交流会",
                            "参加客户招标会"),
    Channel.GIFT.value: ("送中秋礼品（月饼）", "送端午粽子", "春节送茶叶礼盒", "生日送花",
                         "送公司年历和台历"),
    Channel.GREETING.value: ("春节祝福", "生日祝福短信", "中秋节问候", "国庆节问候",
                             "祝贺客户升职"),
}
CHANNELS = Weighted([(Channel.CALL.value, 30), (Channel.WECHAT.value, 28),
                       (Channel.VISIT.value, 18), (Channel.EMAIL.value, 8),
                       (Channel.MEETING.value, 6), (Channel.GIFT.value, 5),
                       (Channel.GREETING.value, 5)])
OUTCOMES = _tupled(_DATA["outcomes"])
MILESTONE_SUMMARIES = {k: _tupled(v) for k, v in _DATA["milestone_summaries"].items()}
NEXT_STEPS = _tupled(_DATA["next_steps"])

# -- orders --------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """A product or service of the demo catalogue, in both languages, with its list price."""

    zh: str
    en: str
    price: int  # yuan a unit
    service: bool  # sold one at a time


PRODUCTS = tuple(Product(zh, en, price, kind == "service")
                 for zh, en, price, kind in _DATA["orders"]["products"])
# (Chinese, English) pairs
LOST_REASONS = _tupled(_DATA["orders"]["lost_reasons"])
ORDER_NOTES = _tupled(_DATA["orders"]["order_notes"])
THANK_YOU = _tupled(_DATA["orders"]["thank_you"])  # by satisfaction, 1 to 5

# -- the Mackay 66 profile ----------------------------------------------------------

PROFILE: dict[int, tuple[str, ...]] = {int(k): _tupled(v) for k, v in _DATA["profile"].items()}
COMMON_QUESTIONS = _tupled(_DATA["common_questions"])
OTHER_QUESTIONS = tuple(q for q in range(1, 67) if q not in COMMON_QUESTIONS)
CONFIDENTIAL = frozenset((35, 37, 38, 40, 41, 58, 59, 60, 61, 62, 64, 65, 66))
SCHOOLS = _tupled(_DATA["schools"])
MAJORS = _tupled(_DATA["majors"])

LOYALTY_OLD = Weighted([(Loyalty.ACTIVE_REGULAR.value, 30), (Loyalty.CORE.value, 15),
                          (Loyalty.ADVOCATE.value, 8), (Loyalty.INACTIVE.value, 15),
                          (Loyalty.AT_RISK.value, 10), (Loyalty.LOST.value, 7)])
LOW_CONTACT = frozenset((Loyalty.INACTIVE.value, Loyalty.LOST.value))


@lru_cache(maxsize=65_536)
def name_pinyin(text_: str) -> tuple[str, ...]:
    """Pinyin syllables of a Chinese name, the surname read as a surname."""
    parts = lazy_pinyin(text_, style=Style.NORMAL, errors="ignore")
    if parts and text_[0] in search.SURNAME_READINGS:
        parts[0] = search.SURNAME_READINGS[text_[0]]
    return tuple(parts)


cached_sort_key = lru_cache(maxsize=262_144)(sort_key)


@lru_cache(maxsize=512)
def _lunar_year_has_29_days(year: int) -> bool:
    """Whether every ordinary month of lunar ``year`` has day 29 (checked, not assumed).

    DateSpec.check() builds lunar_python's whole year, ~6 ms, and keeps only the
    last one: checking the 12 months of one year together costs one build.
    """
    for month in range(1, 13):
        DateSpec.lunar(month, 29, year=year)
    return True


def lunar_date(month: int, day: int, year: int | None) -> DateSpec:
    """A lunar date (ordinary month, day 1-29) known to exist."""
    if year is None or day > 29 or not _lunar_year_has_29_days(year):
        return DateSpec.lunar(month, day, year=year)
    return DateSpec(LUNAR, month, day, year, False)
