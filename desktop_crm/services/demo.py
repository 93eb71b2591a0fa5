"""Realistic, reproducible demo data (``desktop-crm demo``).

Public API::

    generate(db, clients, seed=1, now=None, progress=None) -> int

Writes ``clients`` sample clients (about 85% Chinese people and organisations,
15% English names) with phones, tags, birthdays (Gregorian and lunar), family
members, Mackay 66 answers, a two-year timeline of interactions, an order
history with sales targets and an estimated yearly spend (``demo_sales``),
a photo of a business card for a few (``demo_photos``),
the "created" history entry and the full-text index, all in one transaction. The same seed
and the same ``now`` give the same data. Rows go in chunk by chunk through
``storage.demo_repo`` (Core bulk inserts: 100,000 clients take seconds, not
minutes). The tables it draws from are in ``demo_tables`` (their data in
``resources/demo/tables.json``), the small pieces of a client (people,
companies, phones, addresses) in ``demo_people``.
"""

from __future__ import annotations

import json
import random
import string
from bisect import bisect
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_crm.domain.dates import DateSpec
from desktop_crm.domain.enums import (
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
from desktop_crm.domain.scoring import evaluate
from desktop_crm.domain.validation import phone_digits
from desktop_crm.services.demo_book import mark
from desktop_crm.services.demo_complaints import generate_complaints
from desktop_crm.services.demo_people import Company, Person, Pieces
from desktop_crm.services.demo_photos import add_photos
from desktop_crm.services.demo_sales import SalesHistory
from desktop_crm.services.demo_tables import (
    ABROAD,
    BRANDS,
    CHANNELS,
    CITIES,
    COMMON_QUESTIONS,
    CONFIDENTIAL,
    CUSTOM_LABELS,
    EN_TITLES,
    GOV_TITLES,
    HOMETOWNS,
    INDUSTRIES,
    LOW_CONTACT,
    LOYALTY_OLD,
    MAJORS,
    MILESTONE_SUMMARIES,
    NEXT_STEPS,
    NOTES,
    OTHER_QUESTIONS,
    OUTCOMES,
    PROFILE,
    SCALES,
    SCHOOLS,
    SHOP_TITLES,
    SOURCES,
    SUMMARIES,
    SURNAMES,
    TAGS,
    TITLES,
    TRADES,
    City,
    cached_sort_key,
)
from desktop_crm.services.demo_upkeep import keep_up
from desktop_crm.storage import demo_repo, evaluation_repo, identity_repo, search_index
from desktop_crm.storage.database import Database
from desktop_crm.storage.demo_repo import Chunk

__all__ = ["CHUNK_SIZE", "generate"]

CHUNK_SIZE = 5000
Row = dict[str, Any]


# -- the generator -------------------------------------------------------------------

class _Generator(Pieces):
    """Writes one client after another into chunks of rows."""

    def __init__(self, seed: int, now: datetime, clients: int) -> None:
        super().__init__(seed, now, clients)
        self.sales = SalesHistory(seed, now)

    def client(self, cid: int, out: Chunk) -> None:
        rng = self.rng
        now = self.now
        english = rng.random() < 0.15
        is_org = rng.random() < 0.25
        owner = self.owner(rng)
        created = self.moment(now - timedelta(days=3 * 365), now)
        city: City | None = None if english and rng.random() < 0.4 else CITIES(rng)
        abroad = rng.choice(ABROAD) if city is None else None

        # who
        company: Company | None = None
        org: Company | None = None
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
                title = rng.choice(EN_TITLES) if company else ""
            elif company is None:
                title = rng.choice(("", "", "自由职业", "个体户"))
            elif company.kind == "government":
                title = rng.choice(GOV_TITLES)
            elif company.kind == "shop":
                title = rng.choice(SHOP_TITLES)
            else:
                title = TITLES(rng)
            industry = company.industry if company else (
                rng.choice(INDUSTRIES) if rng.random() < 0.5 else "")

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
                loyalty = LOYALTY_OLD(rng)
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
        website = ""
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
                website = f"www.{org.domain}{tld}"  # no draw: the rest stays as it was
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
            tag = TAGS(rng)
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
                scale = SCALES(rng)[0]
                org_form = "机关单位" if "局" in org.name else "事业单位"
            else:
                scale, amounts = SCALES(rng)
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
        spouse: Person | None = None
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
            label = "公司周年庆" if is_org else rng.choice(CUSTOM_LABELS)
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
                "hometown": rng.choice(HOMETOWNS), "school": rng.choice(SCHOOLS),
                "major": rng.choice(MAJORS),
                "spouse_surname": spouse.surname if spouse else SURNAMES(rng),
                "month": rng.randint(1, 12), "child_age": rng.randint(3, 25),
                "city_short": city.short if city else "本地",
                "old_company": self.english_company().name if english
                else f"{rng.choice(BRANDS)}{TRADES(rng)[0]}公司",
            }
            self.answers(cid, created, ctx, out)

        # timeline, evaluations and orders
        last_contact = self.timeline(cid, created, stage, loyalty, out)
        grades = self.evaluations(cid, created, owner, out) if stage == "active" else []
        sales = self.sales.client(cid, created, stage, loyalty, volume, english,
                                  abroad is not None, is_org, out)
        if sales.last_call is not None:
            last_contact = max(last_contact or sales.last_call, sales.last_call)

        updated = created if rng.random() < 0.4 else self.moment(created, now)
        out.clients.append({
            "id": cid, "kind": (ClientKind.ORGANISATION.value if is_org
                                else ClientKind.PERSON.value),
            "name": name, "sort_key": cached_sort_key(name), "gender": gender, "title": title,
            "company": company.name if company else "", "primary_phone": numbers[0][1]
            if numbers else "", "email": email, "wechat": wechat, "website": website,
            "address": address,
            "home_address": home, "industry": industry, "source": SOURCES(rng),
            "owner": owner, "notes": rng.choice(NOTES) if rng.random() < 0.3 else "",
            "legal_representative": legal, "founded_on": founded, "scale": scale,
            "assets": assets, "org_form": org_form, "relationship_since": rel_since,
            **classes, "profile_filled_by": filled_by, "last_contact_at": last_contact,
            "created_at": created, "updated_at": max(updated, last_contact or updated),
            "deleted_at": None,
            "grade": grades[-1][0] if grades else None,
            "previous_grade": grades[-2][0] if len(grades) > 1 else None,
            "last_evaluated_on": grades[-1][1] if grades else None,
            "annual_spend": sales.annual_spend,
        })
        out.changes.append({"client_id": cid, "changed_at": created, "user": owner,
                            "field": "created", "old_value": "", "new_value": name})
        company_name = company.name if company else ""
        extra = [email, wechat, *chosen]
        self.index.add(cid, name, company_name, digits, extra, organisation=is_org)

    @staticmethod
    def date_row(cid: int, kind: str, label: str, spec: DateSpec) -> Row:
        return {"client_id": cid, "kind": kind, "label": label, "calendar": spec.calendar,
                "month": spec.month, "day": spec.day, "year": spec.year, "leap": spec.leap}

    def family(self, cid: int, person: Person, birth_year: int, out: Chunk) -> Person | None:
        rng = self.rng
        male = person.gender == Gender.MALE.value
        lunar = 0.0 if person.english else 1.0

        def make(gender: str, surname: str | None = None) -> Person:
            if person.english:
                return self.english_person(gender)
            return self.chinese_person(gender, surname)
        members: list[tuple[str, Person, DateSpec | None]] = []
        spouse: Person | None = None
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
        common = min(len(COMMON_QUESTIONS), round(count * 0.7))
        numbers = rng.sample(COMMON_QUESTIONS, common)
        numbers += rng.sample(OTHER_QUESTIONS, count - common)
        when = self.moment(created, self.now)
        for number in sorted(numbers):
            template = rng.choice(PROFILE[number])
            answer = template.format_map(ctx) if "{" in template else template
            private = rng.random() < (0.1 if number in CONFIDENTIAL else 0.02)
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
        if loyalty in LOW_CONTACT:
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
            channel = CHANNELS(rng)
            summary = rng.choice(SUMMARIES[channel])
            if rng.random() < 0.3:
                summary += rng.choice(OUTCOMES)
            next_step = ""
            follow: date | None = None
            done = False
            milestone = None
            if channel in ("visit", "meeting") and rng.random() < 0.12:
                milestone = rng.choice(("delivery", "deal"))
                summary = rng.choice(MILESTONE_SUMMARIES[milestone])
            last = i == len(moments) - 1
            if last and end == now and rng.random() < 0.15:
                next_step = rng.choice(NEXT_STEPS)
                follow = today + timedelta(days=rng.randint(0, 30))
            elif rng.random() < 0.35:
                next_step = rng.choice(NEXT_STEPS)
                if rng.random() < 0.6:
                    follow = when.date() + timedelta(days=rng.randint(1, 14))
                    # a few recent follow-ups are still open; old ones were done
                    done = follow < today and rng.random() < (0.7 if follow > today - timedelta(
                        days=30) else 0.995)
            out.interactions.append({
                "client_id": cid, "occurred_at": when, "channel": channel, "summary": summary,
                "next_step": next_step, "follow_up_on": follow, "follow_up_done": done,
                "milestone": milestone, "satisfaction": None,
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
        keep_up(s, now.date(), now, seed, done, lambda: uuid_from_bits(uuids.getrandbits(128)))
        add_photos(s, range(first_id, first_id + done), seed, now,
                   lambda: uuid_from_bits(uuids.getrandbits(128)))
        mark(s, seed, now)
    return done
