"""Realistic, reproducible demo data (``desktop-crm demo``).

Public API::

    generate(db, clients, seed=1, now=None, progress=None) -> int

Writes ``clients`` sample clients (about 85% Chinese people and organisations,
15% English names) with phones, tags, birthdays (Gregorian and lunar), family
members, Mackay 66 answers, a two-year timeline of interactions, the "created"
history entry and the full-text index, all in one transaction. The same seed
and the same ``now`` give the same data. Rows go in chunk by chunk through
``storage.demo_repo`` (Core bulk inserts: 100,000 clients take seconds, not
minutes). The names, places, companies and texts the generator draws from are
data, in ``resources/demo/tables.json``; the tables tied to the domain's enums
(channels, loyalty) stay here.
"""

from __future__ import annotations

import calendar
import json
import random
import string
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from pypinyin import Style, lazy_pinyin
from sqlalchemy.orm import Session

from desktop_crm.domain import search
from desktop_crm.domain.dates import LUNAR, DateSpec
from desktop_crm.domain.enums import (
    Channel,
    ClientKind,
    DateKind,
    Gender,
    Loyalty,
    Nature,
    PhoneKind,
    Stage,
    Tenure,
    VolumeTier,
)
from desktop_crm.domain.identity import uuid_from_bits
from desktop_crm.domain.scoring import default_scheme, evaluate
from desktop_crm.domain.search import sort_key
from desktop_crm.domain.validation import phone_digits
from desktop_crm.resources import resource_path
from desktop_crm.services.demo_complaints import generate_complaints
from desktop_crm.storage import demo_repo, evaluation_repo, identity_repo, search_index
from desktop_crm.storage.database import Database
from desktop_crm.storage.demo_repo import Chunk

__all__ = ["CHUNK_SIZE", "generate"]

CHUNK_SIZE = 5000
Row = dict[str, Any]
T = TypeVar("T")


class _Weighted(Generic[T]):
    """Picks a value with probability proportional to its weight."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _w in items]
        self.cum = list(accumulate(w for _v, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


def _ranked(values: Sequence[T], bias: float = 6.0) -> _Weighted[T]:
    """Earlier values are more common (roughly Zipf-like)."""
    return _Weighted([(v, 1.0 / (i + bias)) for i, v in enumerate(values)])


def _tupled(value: Any) -> Any:
    """JSON lists back as the tuples the tables were written as."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


# names, places, companies, texts: resources/demo/tables.json
with resource_path("demo", "tables.json").open(encoding="utf-8") as _fh:
    _DATA: dict[str, Any] = json.load(_fh)


# -- names ----------------------------------------------------------------------

_SURNAMES = _ranked([_tupled(v) for v in _DATA["surnames"]], bias=8.0)
_MALE_CHARS = _DATA["male_chars"]
_FEMALE_CHARS = _DATA["female_chars"]
_MALE_GIVEN = _tupled(_DATA["male_given"])
_FEMALE_GIVEN = _tupled(_DATA["female_given"])

_EN_MALE = _tupled(_DATA["en_male"])
_EN_FEMALE = _tupled(_DATA["en_female"])
_EN_LAST = _tupled(_DATA["en_last"])

_SALES = _tupled(_DATA["sales"])

# -- places ---------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    province: str
    name: str  # 杭州市
    area_code: str
    districts: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.name.removesuffix("市")


_CITIES = _Weighted([(_City(p, n, c, tuple(d)), w) for p, n, c, d, w in _DATA["cities"]])
_ROADS = _tupled(_DATA["roads"])
_BUILDINGS = _tupled(_DATA["buildings"])
_ESTATES = _tupled(_DATA["estates"])
_HOMETOWNS = _tupled(_DATA["hometowns"])
_ABROAD = _tupled(_DATA["abroad"])

# -- organisations --------------------------------------------------------------

_BRANDS = _tupled(_DATA["brands"])
# business word -> industry
_TRADES = _Weighted([(_tupled(v), w) for v, w in _DATA["trades"]])
_SHOPS = _tupled(_DATA["shops"])
_SOE = _tupled(_DATA["soe"])
_GOV = _tupled(_DATA["gov"])
_EN_WORDS = _tupled(_DATA["en_words"])
_EN_TRADES = _tupled(_DATA["en_trades"])
_EN_SUFFIXES = _tupled(_DATA["en_suffixes"])
# head count -> plausible registered assets
_SCALES = _Weighted([(_tupled(v), w) for v, w in _DATA["scales"]])
_INDUSTRIES = _tupled(_DATA["industries"])

_TITLES = _ranked([_tupled(v) for v in _DATA["titles"]], bias=4.0)
_GOV_TITLES = _tupled(_DATA["gov_titles"])
_SHOP_TITLES = _tupled(_DATA["shop_titles"])
_EN_TITLES = _tupled(_DATA["en_titles"])

_SOURCES = _Weighted([(_tupled(v), w) for v, w in _DATA["sources"]])
_MAIL_DOMAINS = _Weighted([(_tupled(v), w) for v, w in _DATA["mail_domains"]])
_TAGS = _Weighted([(_tupled(v), w) for v, w in _DATA["tags"]])
_NOTES = _tupled(_DATA["notes"])
_CUSTOM_LABELS = _tupled(_DATA["custom_labels"])

# -- timeline --------------------------------------------------------------------

_SUMMARIES: dict[str, tuple[str, ...]] = {
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
_CHANNELS = _Weighted([(Channel.CALL.value, 30), (Channel.WECHAT.value, 28),
                       (Channel.VISIT.value, 18), (Channel.EMAIL.value, 8),
                       (Channel.MEETING.value, 6), (Channel.GIFT.value, 5),
                       (Channel.GREETING.value, 5)])
_OUTCOMES = _tupled(_DATA["outcomes"])
_MILESTONE_SUMMARIES = {k: _tupled(v) for k, v in _DATA["milestone_summaries"].items()}
_NEXT_STEPS = _tupled(_DATA["next_steps"])

# -- the Mackay 66 profile ----------------------------------------------------------

_PROFILE: dict[int, tuple[str, ...]] = {int(k): _tupled(v) for k, v in _DATA["profile"].items()}
_COMMON_QUESTIONS = _tupled(_DATA["common_questions"])
_OTHER_QUESTIONS = tuple(q for q in range(1, 67) if q not in _COMMON_QUESTIONS)
_CONFIDENTIAL = frozenset((35, 37, 38, 40, 41, 58, 59, 60, 61, 62, 64, 65, 66))
_SCHOOLS = _tupled(_DATA["schools"])
_MAJORS = _tupled(_DATA["majors"])

_LOYALTY_OLD = _Weighted([(Loyalty.ACTIVE_REGULAR.value, 30), (Loyalty.CORE.value, 15),
                          (Loyalty.ADVOCATE.value, 8), (Loyalty.INACTIVE.value, 15),
                          (Loyalty.AT_RISK.value, 10), (Loyalty.LOST.value, 7)])
_LOW_CONTACT = frozenset((Loyalty.INACTIVE.value, Loyalty.LOST.value))


@lru_cache(maxsize=65_536)
def _pinyin(text_: str) -> tuple[str, ...]:
    """Pinyin syllables of a Chinese name, the surname read as a surname."""
    parts = lazy_pinyin(text_, style=Style.NORMAL, errors="ignore")
    if parts and text_[0] in search.SURNAME_READINGS:
        parts[0] = search.SURNAME_READINGS[text_[0]]
    return tuple(parts)


_cached_sort_key = lru_cache(maxsize=262_144)(sort_key)


@lru_cache(maxsize=512)
def _lunar_year_has_29_days(year: int) -> bool:
    """Whether every ordinary month of lunar ``year`` has day 29 (checked, not assumed).

    DateSpec.check() builds lunar_python's whole year, ~6 ms, and keeps only the
    last one: checking the 12 months of one year together costs one build.
    """
    for month in range(1, 13):
        DateSpec.lunar(month, 29, year=year)
    return True


def _lunar(month: int, day: int, year: int | None) -> DateSpec:
    """A lunar date (ordinary month, day 1-29) known to exist."""
    if year is None or day > 29 or not _lunar_year_has_29_days(year):
        return DateSpec.lunar(month, day, year=year)
    return DateSpec(LUNAR, month, day, year, False)


# -- the generator -------------------------------------------------------------------

@dataclass
class _Person:
    name: str
    surname: str
    gender: str
    english: bool


@dataclass
class _Company:
    name: str
    industry: str
    kind: str  # enterprise, shop, soe, government, english
    city: _City | None
    domain: str


class _Generator:
    def __init__(self, seed: int, now: datetime, clients: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        owners = self.rng.sample(_SALES, self.rng.randint(3, 5))
        self.owner = _Weighted([(o, float(len(owners) - i + 1)) for i, o in enumerate(owners)])
        # Companies people work at, Chinese [0] and English [1]: organisation
        # clients and earlier employers, so several contacts share a company.
        self.companies: tuple[list[_Company], list[_Company]] = ([], [])
        self.pool_size = (max(30, clients // 6), max(10, clients // 40))
        self.index = search_index.BulkIndex()
        self.scheme = default_scheme()
        self.scheme_id = 0  # set by generate() once the scheme row exists

    # -- small pieces --------------------------------------------------------------
    def moment(self, start: datetime, end: datetime) -> datetime:
        """A working-hours moment between start and end (both inclusive)."""
        rng = self.rng
        days = (end.date() - start.date()).days
        day = start.date() + timedelta(days=int(rng.random() * (max(days, 0) + 1)))
        seconds = 8 * 3600 + int(rng.random() * 12 * 3600)
        value = datetime.combine(day, time(seconds // 3600, seconds // 60 % 60, seconds % 60))
        if value > end:
            value = end - timedelta(minutes=rng.randint(0, 90))
        return max(value, start)

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def chinese_person(self, gender: str | None = None, surname: str | None = None) -> _Person:
        rng = self.rng
        gender = gender or (Gender.MALE.value if rng.random() < 0.6 else Gender.FEMALE.value)
        surname = surname or _SURNAMES(rng)
        male = gender == Gender.MALE.value
        if rng.random() < 0.35:
            given = rng.choice(_MALE_CHARS if male else _FEMALE_CHARS)
        else:
            given = rng.choice(_MALE_GIVEN if male else _FEMALE_GIVEN)
        return _Person(surname + given, surname, gender, False)

    def english_person(self, gender: str | None = None) -> _Person:
        rng = self.rng
        gender = gender or (Gender.MALE.value if rng.random() < 0.6 else Gender.FEMALE.value)
        first = rng.choice(_EN_MALE if gender == Gender.MALE.value else _EN_FEMALE)
        last = rng.choice(_EN_LAST)
        return _Person(f"{first} {last}", last, gender, True)

    def chinese_company(self, city: _City) -> _Company:
        rng = self.rng
        roll = rng.random()
        brand = rng.choice(_BRANDS)
        domain = "".join(_pinyin(brand))
        if roll < 0.06:
            unit, industry = rng.choice(_GOV)
            district = rng.choice(city.districts) if "局" in unit else ""
            return _Company(city.name + district + unit, industry, "government", city, "")
        if roll < 0.12:
            word, industry = rng.choice(_SOE)
            return _Company(f"{city.short}{word}集团有限公司", industry, "soe", city,
                            "".join(_pinyin(word)) + "group")
        if roll < 0.22:
            word, industry = rng.choice(_SHOPS)
            return _Company(f"{city.short}{brand}{word}", industry, "shop", city, "")
        word, industry = _TRADES(rng)
        suffix = rng.choice(("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"))
        name = f"{city.short}{brand}{word}{suffix}"
        return _Company(name, industry, "enterprise", city, domain)

    def employer(self, english: bool, city: _City | None) -> _Company:
        """A company for a contact person: more and more often one already known."""
        pool = self.companies[english]
        if pool and self.rng.random() < min(0.9, len(pool) / self.pool_size[english]):
            return pool[int(self.rng.random() * len(pool))]
        company = (self.english_company() if english or city is None
                   else self.chinese_company(city))
        if company.kind != "government":
            pool.append(company)
        return company

    def english_company(self) -> _Company:
        rng = self.rng
        word = rng.choice(_EN_WORDS)
        trade, industry = rng.choice(_EN_TRADES)
        name = f"{word} {trade} {rng.choice(_EN_SUFFIXES)}"
        return _Company(name, industry, "english", None, f"{word}{trade}".lower())

    def mobile(self) -> str:
        rng = self.rng
        prefix = rng.choice(("130", "131", "132", "133", "135", "136", "137", "138", "139",
                             "150", "151", "152", "155", "156", "158", "159", "166", "176",
                             "177", "180", "181", "182", "186", "187", "188", "189", "191",
                             "198", "199"))
        rest = f"{rng.randrange(10 ** 8):08d}"
        style = rng.random()
        if style < 0.5:
            return prefix + rest
        if style < 0.8:
            return f"{prefix} {rest[:4]} {rest[4:]}"
        if style < 0.95:
            return f"{prefix}-{rest[:4]}-{rest[4:]}"
        return f"+86 {prefix} {rest[:4]} {rest[4:]}"

    def landline(self, city: _City) -> str:
        rng = self.rng
        number = f"{rng.randint(2, 8)}{rng.randrange(10 ** 7):07d}"
        code = city.area_code
        style = rng.random()
        if style < 0.35:
            return f"{code}-{number[:4]} {number[4:]}"
        if style < 0.8:
            return f"{code}-{number}"
        if style < 0.9:
            return f"{code} {number}"
        return f"({code}) {number[:4]}-{number[4:]}"

    def address(self, city: _City) -> str:
        rng = self.rng
        district = rng.choice(city.districts)
        base = f"{city.province}{city.name}{district}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
        roll = rng.random()
        if roll < 0.4:
            return base + f"{rng.choice(_BUILDINGS)}{rng.randint(2, 32)}{rng.randint(1, 20):02d}室"
        if roll < 0.6:
            return base + f"{rng.randint(1, 12)}号楼{rng.randint(1, 6)}层"
        return base

    def home_address(self, city: _City) -> str:
        rng = self.rng
        return (f"{city.name}{rng.choice(city.districts)}{rng.choice(_ESTATES)}"
                f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 33)}"
                f"{rng.randint(1, 4):02d}室")

    def email(self, person: _Person, company: _Company | None, year: int | None) -> str:
        rng = self.rng
        if person.english:
            first, last = person.name.lower().split(" ", 1)
            local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", first))
            if company is not None and company.domain and rng.random() < 0.7:
                return f"{local}@{company.domain}.com"
            return f"{local}{rng.randint(1, 99)}@{rng.choice(('gmail.com', 'outlook.com'))}"
        if company is not None and company.domain and rng.random() < 0.35:
            syllables = _pinyin(person.name)
            local = syllables[0] + "".join(s[0] for s in syllables[1:])
            tld = rng.choice((".com", ".com.cn", ".cn"))
            return f"{local}@{company.domain}{tld}"
        domain = _MAIL_DOMAINS(rng)
        if domain == "qq.com" and rng.random() < 0.6:
            return f"{rng.randint(10_000_000, 2_999_999_999)}@qq.com"
        syllables = _pinyin(person.name)
        full = "".join(syllables)
        roll = rng.random()
        if roll < 0.35:
            local = full
        elif roll < 0.55:
            local = syllables[0] + "." + "".join(syllables[1:])
        elif roll < 0.8:
            suffix = f"{year % 100:02d}" if year else str(rng.randint(1, 99))
            local = "".join(s[0] for s in syllables) + suffix
        else:
            local = full + str(rng.randint(1, 999))
        return f"{local}@{domain}"

    def wechat(self, person: _Person, mobile: str | None) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            alphabet = string.ascii_lowercase + string.digits
            return "wxid_" + "".join(rng.choice(alphabet) for _ in range(14))
        if roll < 0.5 and mobile:
            return phone_digits(mobile).removeprefix("+86")
        base = (person.name.replace(" ", "").lower() if person.english
                else "".join(_pinyin(person.name)))
        return f"{base}{rng.choice(('', '_', '-'))}{rng.randint(1, 9999)}"[:20]

    def birthday(self, first_year: int, last_year: int, p_lunar: float,
                 p_year: float) -> DateSpec:
        rng = self.rng
        last_year = min(last_year, self.today.year - 2)  # never in the future
        first_year = min(first_year, last_year)
        year = rng.randint(first_year, last_year) if rng.random() < p_year else None
        month = rng.randint(1, 12)
        if rng.random() < p_lunar:
            return _lunar(month, rng.randint(1, 29), year)
        return DateSpec.solar(month, rng.randint(1, calendar.monthrange(year or 2000, month)[1]),
                              year)

    # -- one client ----------------------------------------------------------------
    def client(self, cid: int, out: Chunk) -> None:
        rng = self.rng
        now = self.now
        english = rng.random() < 0.15
        is_org = rng.random() < 0.25
        owner = self.owner(rng)
        created = self.moment(now - timedelta(days=3 * 365), now)
        city: _City | None = None if english and rng.random() < 0.4 else _CITIES(rng)
        abroad = rng.choice(_ABROAD) if city is None else None

        # who
        company: _Company | None = None
        org: _Company | None = None
        if is_org:
            org = self.english_company() if english or city is None else self.chinese_company(city)
            city = org.city if org.city is not None else city
            person = self.english_person() if english else self.chinese_person()
            name, gender, title, industry = org.name, Gender.UNKNOWN.value, "", org.industry
            if org.kind != "government" and rng.random() < 0.1:
                self.companies[english].append(org)  # some contacts work at client firms
        else:
            person = self.english_person() if english else self.chinese_person()
            name, gender = person.name, person.gender
            if rng.random() < (0.9 if english else 0.85):
                company = self.employer(english, city)
                if company.city is not None and city is not None and rng.random() < 0.8:
                    city = company.city
            if english:
                title = rng.choice(_EN_TITLES) if company else ""
            elif company is None:
                title = rng.choice(("", "", "自由职业", "个体户"))
            elif company.kind == "government":
                title = rng.choice(_GOV_TITLES)
            elif company.kind == "shop":
                title = rng.choice(_SHOP_TITLES)
            else:
                title = _TITLES(rng)
            industry = company.industry if company else (
                rng.choice(_INDUSTRIES) if rng.random() < 0.5 else "")

        # classification
        stage = Stage.ACTIVE.value if rng.random() < 0.65 else Stage.POTENTIAL.value
        age_days = (now - created).days
        tenure = Tenure.OLD.value if (age_days > 365) == (rng.random() < 0.9) else Tenure.NEW.value
        kind_of = org.kind if org else (company.kind if company else "")
        if kind_of == "government":
            nature = Nature.GOVERNMENT.value
        elif is_org or (company is not None and rng.random() < 0.6):
            nature = Nature.ENTERPRISE.value
        else:
            nature = Nature.INDIVIDUAL.value
        volume: str | None
        loyalty: str | None
        if stage == Stage.POTENTIAL.value:
            volume = VolumeTier.OCCASIONAL.value if rng.random() < 0.5 else None
            loyalty = Loyalty.PROSPECT.value if rng.random() < 0.9 else None
        else:
            r = rng.random()
            volume = (VolumeTier.KEY.value if r < 0.2 else VolumeTier.ORDINARY.value if r < 0.75
                      else VolumeTier.OCCASIONAL.value)
            if tenure == Tenure.NEW.value:
                loyalty = (Loyalty.NEW.value if rng.random() < 0.7
                           else Loyalty.ACTIVE_REGULAR.value)
            else:
                loyalty = _LOYALTY_OLD(rng)
        classified = rng.random() >= 0.03
        classes: Row = {
            "nature": nature if classified else None,
            "stage": stage if classified else None,
            "tenure": tenure if classified else None,
            "volume_tier": volume if classified else None,
            "loyalty": loyalty if classified else None,
        }

        # phones
        numbers: list[tuple[str, str]] = []  # (kind, number)
        if abroad is not None:
            number = "".join(rng.choice(string.digits) if ch == "#" else ch for ch in abroad[2])
            numbers.append((PhoneKind.OFFICE.value if is_org else PhoneKind.MOBILE.value, number))
        elif is_org and city is not None:
            if rng.random() < 0.8:
                numbers.append((PhoneKind.OFFICE.value, self.landline(city)))
            if rng.random() < 0.5 or not numbers:
                numbers.append((PhoneKind.MOBILE.value, self.mobile()))
            if rng.random() < 0.1:
                numbers.append((PhoneKind.FAX.value, self.landline(city)))
        elif rng.random() < 0.98:
            if city is not None and rng.random() < 0.05:
                numbers.append((PhoneKind.OFFICE.value, self.landline(city)))
            else:
                numbers.append((PhoneKind.MOBILE.value, self.mobile()))
            if rng.random() < 0.25:
                if city is not None and rng.random() < 0.6:
                    kind = PhoneKind.OFFICE.value if rng.random() < 0.8 else PhoneKind.HOME.value
                    numbers.append((kind, self.landline(city)))
                else:
                    numbers.append((PhoneKind.MOBILE.value, self.mobile()))
        digits = [phone_digits(n) for _k, n in numbers]
        for pos, ((kind, number), dig) in enumerate(zip(numbers, digits, strict=True)):
            out.phones.append({"client_id": cid, "position": pos, "kind": kind,
                               "number": number, "digits": dig})
        first_mobile = next((n for k, n in numbers if k == PhoneKind.MOBILE.value), None)

        # contact details
        birth_year = rng.randint(1955, 2000)
        email = ""
        wechat = ""
        if not is_org:
            if rng.random() < 0.75:
                email = self.email(person, company, birth_year)
            if rng.random() < (0.4 if english else 0.65):
                wechat = self.wechat(person, first_mobile)
        else:
            assert org is not None
            if org.domain and rng.random() < 0.5:
                tld = ".com" if english else rng.choice((".com", ".com.cn", ".cn"))
                box = rng.choice(("info", "sales", "service", "hr", "admin"))
                email = f"{box}@{org.domain}{tld}"
            elif not english and rng.random() < 0.2:
                email = self.email(person, None, None)
            if not english and rng.random() < 0.2:
                wechat = self.wechat(person, first_mobile)
        if abroad is not None:
            address = f"{rng.randint(1, 999)} {abroad[1]}, {abroad[0]}"
        elif city is not None:
            address = self.address(city) if rng.random() < 0.9 else ""
        home = self.home_address(city) if (not is_org and city is not None
                                           and rng.random() < 0.2) else ""

        # tags
        n_tags = bisect((0.35, 0.7, 0.9), rng.random())
        chosen: list[str] = []
        for _ in range(n_tags * 2):
            if len(chosen) >= n_tags:
                break
            tag = _TAGS(rng)
            if tag not in chosen:
                chosen.append(tag)
        if volume == VolumeTier.KEY.value and "大客户" not in chosen and rng.random() < 0.3:
            chosen.append("大客户")
        chosen.sort()  # the order of Client.tags, which reindex() follows
        out.tags.extend((cid, t) for t in chosen)

        # organisation data
        founded: date | None = None
        legal = ""
        scale = assets = org_form = ""
        rel_since: date | None = None
        if is_org:
            assert org is not None
            legal = person.name
            if rng.random() < 0.85:
                founded = self.day_between(date(1985, 1, 1), self.today - timedelta(days=400))
            if org.kind == "shop":
                scale, org_form = "10人以下", "个体工商户"
                assets = rng.choice(("约10万元", "约50万元"))
            elif org.kind == "government":
                scale = _SCALES(rng)[0]
                org_form = "机关单位" if "局" in org.name else "事业单位"
            else:
                scale, amounts = _SCALES(rng)
                assets = rng.choice(amounts) if rng.random() < 0.7 else ""
                if org.kind == "soe":
                    org_form = "国有企业"
                elif org.name.endswith("股份有限公司"):
                    org_form = "股份有限公司"
                else:
                    org_form = "有限责任公司"
        if rng.random() < (0.6 if is_org else 0.3):
            start = max(founded or date(2010, 1, 1), created.date() - timedelta(days=8 * 365))
            rel_since = self.day_between(start, created.date())

        # dates and family
        spouse: _Person | None = None
        if not is_org:
            if rng.random() < 0.7:
                spec = self.birthday(1955, 2000, 0.2 if not english else 0.0, 0.6)
                if spec.year is not None:
                    birth_year = spec.year
                out.dates.append(self.date_row(cid, DateKind.BIRTHDAY.value, "", spec))
            if rng.random() < 0.4:
                spouse = self.family(cid, person, birth_year, out)
            if rng.random() < (0.6 if spouse else 0.08):
                spec = self.birthday(max(1975, birth_year + 20), self.today.year, 0.0, 1.0)
                out.dates.append(self.date_row(cid, DateKind.WEDDING_ANNIVERSARY.value, "",
                                               spec))
        if rng.random() < 0.08:
            label = "公司周年庆" if is_org else rng.choice(_CUSTOM_LABELS)
            spec = self.birthday(2005, self.today.year, 0.1, 0.5)
            out.dates.append(self.date_row(cid, DateKind.CUSTOM.value, label, spec))

        # Mackay 66
        filled_by = ""
        if rng.random() < (0.35 if is_org else 0.55):
            filled_by = owner
            ctx = {
                "name": person.name, "surname": person.surname,
                "call": (f"老{person.surname}" if person.gender == Gender.MALE.value
                         else f"{person.surname}姐") if not english else person.name.split()[0],
                "title": title or "负责人", "company": (company.name if company else name),
                "address": address or "地址待补充", "birth_year": birth_year,
                "hometown": rng.choice(_HOMETOWNS), "school": rng.choice(_SCHOOLS),
                "major": rng.choice(_MAJORS),
                "spouse_surname": spouse.surname if spouse else _SURNAMES(rng),
                "month": rng.randint(1, 12), "child_age": rng.randint(3, 25),
                "city_short": city.short if city else "本地",
                "old_company": self.english_company().name if english
                else f"{rng.choice(_BRANDS)}{_TRADES(rng)[0]}公司",
            }
            self.answers(cid, created, ctx, out)

        # timeline and evaluations
        last_contact = self.timeline(cid, created, stage, loyalty, out)
        grades = self.evaluations(cid, created, owner, out) if stage == "active" else []

        updated = created if rng.random() < 0.4 else self.moment(created, now)
        out.clients.append({
            "id": cid, "kind": (ClientKind.ORGANISATION.value if is_org
                                else ClientKind.PERSON.value),
            "name": name, "sort_key": _cached_sort_key(name), "gender": gender, "title": title,
            "company": company.name if company else "", "primary_phone": numbers[0][1]
            if numbers else "", "email": email, "wechat": wechat, "address": address,
            "home_address": home, "industry": industry, "source": _SOURCES(rng),
            "owner": owner, "notes": rng.choice(_NOTES) if rng.random() < 0.3 else "",
            "legal_representative": legal, "founded_on": founded, "scale": scale,
            "assets": assets, "org_form": org_form, "relationship_since": rel_since,
            **classes, "profile_filled_by": filled_by, "last_contact_at": last_contact,
            "created_at": created, "updated_at": max(updated, last_contact or updated),
            "deleted_at": None,
            "grade": grades[-1][0] if grades else None,
            "previous_grade": grades[-2][0] if len(grades) > 1 else None,
            "last_evaluated_on": grades[-1][1] if grades else None,
        })
        out.changes.append({"client_id": cid, "changed_at": created, "user": owner,
                            "field": "created", "old_value": "", "new_value": name})
        company_name = company.name if company else ""
        extra = [email, wechat, *chosen]
        self.index.add(cid, name, company_name, digits, extra)

    @staticmethod
    def date_row(cid: int, kind: str, label: str, spec: DateSpec) -> Row:
        return {"client_id": cid, "kind": kind, "label": label, "calendar": spec.calendar,
                "month": spec.month, "day": spec.day, "year": spec.year, "leap": spec.leap}

    def family(self, cid: int, person: _Person, birth_year: int, out: Chunk) -> _Person | None:
        rng = self.rng
        male = person.gender == Gender.MALE.value
        lunar = 0.0 if person.english else 1.0

        def make(gender: str, surname: str | None = None) -> _Person:
            if person.english:
                return self.english_person(gender)
            return self.chinese_person(gender, surname)
        members: list[tuple[str, _Person, DateSpec | None]] = []
        spouse: _Person | None = None
        if rng.random() < 0.8:
            spouse = make(Gender.FEMALE.value if male else Gender.MALE.value)
            if person.english:
                spouse.name = spouse.name.split()[0] + " " + person.surname
            bday = (self.birthday(birth_year - 5, birth_year + 5, 0.25 * lunar, 0.7)
                    if rng.random() < 0.6 else None)
            members.append(("妻子" if male else "丈夫", spouse, bday))
        child_surname = person.surname if male or spouse is None else spouse.surname
        for _ in range(bisect((0.35, 0.8), rng.random())):
            son = rng.random() < 0.5
            if person.english:
                child = self.english_person(Gender.MALE.value if son else Gender.FEMALE.value)
                child.name = child.name.split()[0] + " " + child_surname
            else:
                child = self.chinese_person(Gender.MALE.value if son else Gender.FEMALE.value,
                                            child_surname)
            bday = (self.birthday(birth_year + 22, birth_year + 38, 0.15 * lunar, 0.8)
                    if rng.random() < 0.6 else None)
            members.append(("儿子" if son else "女儿", child, bday))
        if rng.random() < 0.15 or not members:
            father = rng.random() < 0.5
            parent = (make(Gender.MALE.value, person.surname) if father
                      else make(Gender.FEMALE.value))
            bday = (self.birthday(birth_year - 35, birth_year - 20, 0.5 * lunar, 0.7)
                    if rng.random() < 0.7 else None)
            members.append(("父亲" if father else "母亲", parent, bday))
        for relation, member, spec in members:
            out.family.append({
                "client_id": cid, "relation": relation, "name": member.name, "notes": "",
                "birth_calendar": spec.calendar if spec else None,
                "birth_month": spec.month if spec else None,
                "birth_day": spec.day if spec else None,
                "birth_year": spec.year if spec else None,
                "birth_leap": spec.leap if spec else False,
            })
        return spouse

    def answers(self, cid: int, created: datetime, ctx: dict[str, object], out: Chunk) -> None:
        rng = self.rng
        count = 3 + int(22 * rng.random() ** 1.8)
        common = min(len(_COMMON_QUESTIONS), round(count * 0.7))
        numbers = rng.sample(_COMMON_QUESTIONS, common)
        numbers += rng.sample(_OTHER_QUESTIONS, count - common)
        when = self.moment(created, self.now)
        for number in sorted(numbers):
            template = rng.choice(_PROFILE[number])
            answer = template.format_map(ctx) if "{" in template else template
            private = rng.random() < (0.1 if number in _CONFIDENTIAL else 0.02)
            out.answers.append({"client_id": cid, "question": number, "answer": answer,
                                "private": private, "updated_at": when})

    def evaluations(self, cid: int, created: datetime, owner: str,
                    out: Chunk) -> list[tuple[str, date]]:
        """Quarterly evaluations over the last year for ~65% of active clients, with
        inputs drifting from one quarter to the next so grades move. Returns
        (grade, date) oldest first."""
        rng = self.rng
        if rng.random() > 0.65:
            return []
        quarters = rng.randint(1, 4)
        sales = rng.uniform(40, 115)
        late = rng.choice((0, 0, 0, 1, 1, 2, 3, 4))
        result: list[tuple[str, date]] = []
        for q in range(quarters, 0, -1):
            end = self.today - timedelta(days=91 * (q - 1) + rng.randint(0, 20))
            if end <= created.date():
                continue
            sales = min(150.0, max(10.0, sales + rng.uniform(-15, 15)))
            late = max(0, late + rng.choice((-1, 0, 0, 1)))
            inputs = {"sales_attainment": round(sales, 1),
                      "cooperation": rng.choice(("excellent", "good", "good", "fair", "poor")),
                      "late_payments": late,
                      "information": rng.choice(("valuable", "some", "some", "none"))}
            scored = evaluate(self.scheme, inputs)
            out.evaluations.append({
                "client_id": cid, "scheme_id": self.scheme_id, "period_start": end -
                timedelta(days=90), "period_end": end, "evaluated_on": end, "evaluator": owner,
                "inputs": json.dumps(inputs), "points": json.dumps(scored.points),
                "total": scored.total, "grade": scored.grade, "notes": "",
                "created_at": datetime.combine(end, datetime.min.time()).replace(hour=17),
            })
            result.append((scored.grade, end))
        return result

    def timeline(self, cid: int, created: datetime, stage: str, loyalty: str | None,
                 out: Chunk) -> datetime | None:
        rng = self.rng
        now = self.now
        start = max(created, now - timedelta(days=729))
        end = now
        if loyalty in _LOW_CONTACT:
            end = now - timedelta(days=rng.randint(120, 400))
        if end <= start:
            return None
        if stage == Stage.POTENTIAL.value:
            count = bisect((0.3, 0.6, 0.85), rng.random())
        else:
            count = min(12, 1 + int(rng.triangular(0, 12, 3)))
        if count == 0:
            return None
        moments = sorted(self.moment(start, end) for _ in range(count))
        if end == now and stage != Stage.POTENTIAL.value and rng.random() < 0.6:
            # most active clients were seen in the last few weeks
            moments[-1] = max(moments[-1], self.moment(max(start, now - timedelta(days=45)), now))
        today = self.today
        for i, when in enumerate(moments):
            channel = _CHANNELS(rng)
            summary = rng.choice(_SUMMARIES[channel])
            if rng.random() < 0.3:
                summary += rng.choice(_OUTCOMES)
            next_step = ""
            follow: date | None = None
            done = False
            milestone = None
            if channel in ("visit", "meeting") and rng.random() < 0.12:
                milestone = rng.choice(("delivery", "deal"))
                summary = rng.choice(_MILESTONE_SUMMARIES[milestone])
            last = i == len(moments) - 1
            if last and end == now and rng.random() < 0.15:
                next_step = rng.choice(_NEXT_STEPS)
                follow = today + timedelta(days=rng.randint(0, 30))
            elif rng.random() < 0.35:
                next_step = rng.choice(_NEXT_STEPS)
                if rng.random() < 0.6:
                    follow = when.date() + timedelta(days=rng.randint(1, 14))
                    # a few recent follow-ups are still open; old ones were done
                    done = follow < today and rng.random() < (0.7 if follow > today - timedelta(
                        days=30) else 0.995)
            out.interactions.append({
                "client_id": cid, "occurred_at": when, "channel": channel, "summary": summary,
                "next_step": next_step, "follow_up_on": follow, "follow_up_done": done,
                "milestone": milestone,
                "created_at": min(now, when + timedelta(minutes=rng.randint(0, 180))),
            })
        return moments[-1]


def _write(session: Session, chunk: Chunk, tag_ids: dict[str, int],
           uuids: random.Random, index: search_index.BulkIndex) -> None:
    # UUIDs from their own generator, so the rest of the data is what the seed
    # gave before records had them
    for rows in chunk.with_uuids():
        for row in rows:
            row["uuid"] = uuid_from_bits(uuids.getrandbits(128))
    demo_repo.write(session, chunk, tag_ids, index)


def generate(db: Database, clients: int, seed: int = 1, now: datetime | None = None,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``clients`` demo clients into ``db`` in one transaction; returns how many.

    The same ``seed`` and ``now`` give the same clients (ids continue after the
    clients already in the database). ``progress(done, total)`` is called after
    each chunk of rows is written.
    """
    if clients < 0:
        raise ValueError("clients must not be negative")
    if clients == 0:
        return 0
    now = (now or datetime.now()).replace(microsecond=0)
    gen = _Generator(seed, now, clients)
    with db.session() as s:
        current = evaluation_repo.latest_scheme(s)
        gen.scheme_id, gen.scheme = current or evaluation_repo.add_scheme(s, gen.scheme, now)
        first_id = demo_repo.next_client_id(s)
        # reproducible in one database, yet never the identities of another
        # database's demo clients (nor of an earlier run with the same seed here)
        uuids = random.Random(f"{identity_repo.database_uuid(s)}/{seed}/{first_id}")
        tag_ids = demo_repo.tag_ids(s)
        done = 0
        while done < clients:
            chunk = Chunk()
            for cid in range(first_id + done, first_id + min(done + CHUNK_SIZE, clients)):
                gen.client(cid, chunk)
            _write(s, chunk, tag_ids, uuids, gen.index)
            done += len(chunk.clients)
            if progress is not None:
                progress(done, clients)
        generate_complaints(s, range(first_id, first_id + done), seed, now)
    return done
