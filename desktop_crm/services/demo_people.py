"""The small pieces of a demo client: people, companies, phones, addresses,
emails and birthdays, drawn from ``demo_tables`` with the generator's random
source (``Pieces``, the base of the demo generator)."""

from __future__ import annotations

import calendar
import random
import string
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
    Gender,
)
from desktop_crm.domain.scoring import default_scheme
from desktop_crm.domain.validation import phone_digits
from desktop_crm.services.demo_tables import (
    BRANDS,
    BUILDINGS,
    EN_FEMALE,
    EN_LAST,
    EN_MALE,
    EN_SUFFIXES,
    EN_TRADES,
    EN_WORDS,
    ESTATES,
    FEMALE_CHARS,
    FEMALE_GIVEN,
    GOV,
    MAIL_DOMAINS,
    MALE_CHARS,
    MALE_GIVEN,
    ROADS,
    SALES,
    SHOPS,
    SOE,
    SURNAMES,
    TRADES,
    City,
    Weighted,
    lunar_date,
    name_pinyin,
)
from desktop_crm.storage import search_index


@dataclass
class Person:
    name: str
    surname: str
    gender: str
    english: bool


@dataclass
class Company:
    name: str
    industry: str
    kind: str  # enterprise, shop, soe, government, english
    city: City | None
    domain: str


class Pieces:
    """The generator's state and the small pieces it draws."""

    def __init__(self, seed: int, now: datetime, clients: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        owners = self.rng.sample(SALES, self.rng.randint(3, 5))
        self.owner = Weighted([(o, float(len(owners) - i + 1)) for i, o in enumerate(owners)])
        # Companies people work at, Chinese [0] and English [1]: organisation
        # clients and earlier employers, so several contacts share a company.
        self.companies: tuple[list[Company], list[Company]] = ([], [])
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

    def chinese_person(self, gender: str | None = None, surname: str | None = None) -> Person:
        rng = self.rng
        gender = gender or (Gender.MALE.value if rng.random() < 0.6 else Gender.FEMALE.value)
        surname = surname or SURNAMES(rng)
        male = gender == Gender.MALE.value
        if rng.random() < 0.35:
            given = rng.choice(MALE_CHARS if male else FEMALE_CHARS)
        else:
            given = rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
        return Person(surname + given, surname, gender, False)

    def english_person(self, gender: str | None = None) -> Person:
        rng = self.rng
        gender = gender or (Gender.MALE.value if rng.random() < 0.6 else Gender.FEMALE.value)
        first = rng.choice(EN_MALE if gender == Gender.MALE.value else EN_FEMALE)
        last = rng.choice(EN_LAST)
        return Person(f"{first} {last}", last, gender, True)

    def chinese_company(self, city: City) -> Company:
        rng = self.rng
        roll = rng.random()
        brand = rng.choice(BRANDS)
        domain = "".join(name_pinyin(brand))
        if roll < 0.06:
            unit, industry = rng.choice(GOV)
            district = rng.choice(city.districts) if "局" in unit else ""
            return Company(city.name + district + unit, industry, "government", city, "")
        if roll < 0.12:
            word, industry = rng.choice(SOE)
            return Company(f"{city.short}{word}集团有限公司", industry, "soe", city,
                            "".join(name_pinyin(word)) + "group")
        if roll < 0.22:
            word, industry = rng.choice(SHOPS)
            return Company(f"{city.short}{brand}{word}", industry, "shop", city, "")
        word, industry = TRADES(rng)
        suffix = rng.choice(("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"))
        name = f"{city.short}{brand}{word}{suffix}"
        return Company(name, industry, "enterprise", city, domain)

    def employer(self, english: bool, city: City | None) -> Company:
        """A company for a contact person: more and more often one already known."""
        pool = self.companies[english]
        if pool and self.rng.random() < min(0.9, len(pool) / self.pool_size[english]):
            return pool[int(self.rng.random() * len(pool))]
        company = (self.english_company() if english or city is None
                   else self.chinese_company(city))
        if company.kind != "government":
            pool.append(company)
        return company

    def english_company(self) -> Company:
        rng = self.rng
        word = rng.choice(EN_WORDS)
        trade, industry = rng.choice(EN_TRADES)
        name = f"{word} {trade} {rng.choice(EN_SUFFIXES)}"
        return Company(name, industry, "english", None, f"{word}{trade}".lower())

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

    def landline(self, city: City) -> str:
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

    def address(self, city: City) -> str:
        rng = self.rng
        district = rng.choice(city.districts)
        base = f"{city.province}{city.name}{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        roll = rng.random()
        if roll < 0.4:
            return base + f"{rng.choice(BUILDINGS)}{rng.randint(2, 32)}{rng.randint(1, 20):02d}室"
        if roll < 0.6:
            return base + f"{rng.randint(1, 12)}号楼{rng.randint(1, 6)}层"
        return base

    def home_address(self, city: City) -> str:
        rng = self.rng
        return (f"{city.name}{rng.choice(city.districts)}{rng.choice(ESTATES)}"
                f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 33)}"
                f"{rng.randint(1, 4):02d}室")

    def email(self, person: Person, company: Company | None, year: int | None) -> str:
        rng = self.rng
        if person.english:
            first, last = person.name.lower().split(" ", 1)
            local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", first))
            if company is not None and company.domain and rng.random() < 0.7:
                return f"{local}@{company.domain}.com"
            return f"{local}{rng.randint(1, 99)}@{rng.choice(('gmail.com', 'outlook.com'))}"
        if company is not None and company.domain and rng.random() < 0.35:
            syllables = name_pinyin(person.name)
            local = syllables[0] + "".join(s[0] for s in syllables[1:])
            tld = rng.choice((".com", ".com.cn", ".cn"))
            return f"{local}@{company.domain}{tld}"
        domain = MAIL_DOMAINS(rng)
        if domain == "qq.com" and rng.random() < 0.6:
            return f"{rng.randint(10_000_000, 2_999_999_999)}@qq.com"
        syllables = name_pinyin(person.name)
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

    def wechat(self, person: Person, mobile: str | None) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            alphabet = string.ascii_lowercase + string.digits
            return "wxid_" + "".join(rng.choice(alphabet) for _ in range(14))
        if roll < 0.5 and mobile:
            return phone_digits(mobile).removeprefix("+86")
        base = (person.name.replace(" ", "").lower() if person.english
                else "".join(name_pinyin(person.name)))
        return f"{base}{rng.choice(('', '_', '-'))}{rng.randint(1, 9999)}"[:20]

    def birthday(self, first_year: int, last_year: int, p_lunar: float,
                 p_year: float) -> DateSpec:
        rng = self.rng
        last_year = min(last_year, self.today.year - 2)  # never in the future
        first_year = min(first_year, last_year)
        year = rng.randint(first_year, last_year) if rng.random() < p_year else None
        month = rng.randint(1, 12)
        if rng.random() < p_lunar:
            return lunar_date(month, rng.randint(1, 29), year)
        return DateSpec.solar(month, rng.randint(1, calendar.monthrange(year or 2000, month)[1]),
                              year)

    # -- one client ----------------------------------------------------------------
