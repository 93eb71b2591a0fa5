"""Reading a business card's OCR lines into its fields: `business_card.parse_card`.

Each line is cut at its labels (domain.card_text); the unlabelled rest is
told apart by shape and words, the name by its height (see business_card's
docstring for the whole recipe). Pure Python, no engine, no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_crm.domain import card_text as ct
from desktop_crm.domain.business_card import CardFields, OcrLine

__all__ = ["read_card"]

_CJK = re.compile(r"[\u3400-\u9fff]")
_COMPANY = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|集团|公司|事务所|研究院|研究所|银行|大学|学院|医院"
    r"|工作室|商行|办事处|合作社|协会|商会|酒店|律所)"
    r"|\b(Co\.?\s*,?\s*Ltd\.?|Company|Inc\.?|Incorporated|LLC|L\.L\.C\.|GmbH|Corporation|Corp\."
    r"|Limited|Ltd\.?|Group|PLC|LLP|Pte\.?|S\.A\.|AG|Bank|University|Holdings|Associates"
    r"|Partners|Technologies|Studio|Hotel|Consulting)(?![A-Za-z])", re.IGNORECASE)
_TITLE = re.compile(
    r"(总经理|副总经理|经理|总监|董事长|董事|总裁|副总|主管|工程师|销售|主任|部长|顾问|专员"
    r"|代表|助理|主席|秘书|会计|律师|设计师|教授|博士|医生|医师|院长|校长|老师|合伙人|创始人"
    r"|负责人|厂长|店长|科长|处长|局长|行长|总工|架构师|分析师|经纪人|业务员|客服)"
    r"|\b(CEO|CTO|CFO|COO|CIO|CMO|VP|SVP|EVP|President|Manager|Director|Sales|Engineer"
    r"|Consultant|Partner|Founder|Co-founder|Head|Officer|Representative|Specialist"
    r"|Assistant|Executive|Lead|Architect|Designer|Analyst|Chairman|Secretary|Accountant"
    r"|Lawyer|Attorney|Professor|Supervisor|Coordinator|Administrator|Developer|Owner"
    r"|Advisor|Adviser|Principal|Agent|Buyer|Purchasing|Marketing|Researcher|Scientist"
    r"|Fellow|Editor|Producer|Associate|Intern|Trainee|Technician|Strategist)(?![A-Za-z])",
    re.IGNORECASE)
_DEPARTMENT = re.compile(r"^.{1,12}(部|事业部|中心|处|科)$|^.{2,40}\b(Department|Dept\.?"
                         r"|Division)$", re.IGNORECASE)
_ADDRESS_CJK = re.compile(r"省|市|区|县|镇|乡|村|路|街|道|巷|弄|号|楼|层|室|座|栋|幢|大厦|广场"
                          r"|园区|花园|大道|胡同|开发区")
_ADDRESS_LATIN = re.compile(
    r"\b(Road|Rd\.?|Street|St\.|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.|Way"
    r"|Floor|Fl\.|Suite|Room|Rm\.?|Building|Bldg\.?|Tower|Plaza|District|Park|Unit|Block"
    r"|No\.|Zone|Province|City|China|P\.\s*R\.\s*C\.?|PRC|USA|U\.S\.A\.|Germany|Singapore)\b",
    re.IGNORECASE)
# Common family names (百家姓 and the census's most frequent): a two to four
# character line starting with one is far more likely the name than a slogan.
# Narrower on purpose than domain/chinese_surnames.py (the whole 百家姓, for
# splitting a name known to be one): rare surnames such as 公 经 国 通 start many
# slogans and department lines on a card.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                      "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "独孤")
_LATIN_WORD = r"(?:[A-Z][A-Za-z'’\-]+|[A-Z]\.)"
_LATIN_NAME = re.compile(rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD}){{1,2}}")
_HONORIFIC = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Miss|Prof|Sir)\.?\s*(?=[A-Z])")
# OCR drops the spaces between latin words now and then ("SalesDirector");
# these keep their inner capital
_CAMEL_WORDS = re.compile(r"\b(?:WeChat|LinkedIn|YouTube|PayPal|GitHub|iPhone|Mc[A-Z]\w*)\b")
# free mail: its domain names no company
_FREE_MAIL = frozenset({"163", "126", "yeah", "qq", "foxmail", "sina", "sohu", "aliyun",
                        "gmail", "outlook", "hotmail", "live", "yahoo", "icloud", "me", "139"})
_NOT_NAME_WORDS = re.compile(r"\b(tel|fax|phone|mobile|email|e-mail|address|web|website|www"
                             r"|wechat|the|and|of|for|limited|china|road|street)\b",
                             re.IGNORECASE)


@dataclass
class _Text:
    """An unlabelled piece of a line, kept for the name/company/title/address pass."""

    text: str
    line: OcrLine
    used: bool = False


@dataclass
class _Found:
    mobiles: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    faxes: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    wechat: str = ""
    website: str = ""
    name: str = ""
    title: str = ""
    company: str = ""
    address: list[str] = field(default_factory=list)
    address_line: OcrLine | None = None


def read_card(lines: Sequence[OcrLine]) -> CardFields:
    """The fields of a business card from its OCR lines (``parse_card``)."""
    found = _Found()
    texts: list[_Text] = []
    wechat_is_mobile = False
    for line in _reading_order(lines):
        text = ct.clean_line(line.text)
        for seg in ct.segments(text):
            if seg.kind is None:
                rest = _contacts(seg.text, found)
                if rest:
                    texts.append(_Text(rest, line))
            elif seg.kind in ct.PHONE_KINDS:
                _add_phones(seg.kind, seg.text, found)
            elif seg.kind == ct.EMAIL:
                found.emails += ct.find_emails(seg.text)
            elif seg.kind == ct.WEBSITE:
                found.website = found.website or ct.find_website(seg.text, labelled=True)
            elif seg.kind == ct.WECHAT:
                value = seg.text.split()[0] if seg.text.split() else ""
                if re.search(r"同手机|same as mobile", seg.text, re.IGNORECASE):
                    wechat_is_mobile = True
                elif re.fullmatch(r"[A-Za-z0-9_\-+]{5,40}", value):
                    found.wechat = found.wechat or value
            elif seg.kind == ct.ADDRESS and seg.text and not found.address:
                found.address, found.address_line = [seg.text], line
            elif seg.kind in (ct.COMPANY, ct.TITLE, ct.NAME) and not getattr(found, seg.kind):
                setattr(found, seg.kind, seg.text)
    _read_texts(texts, found)
    if wechat_is_mobile and found.mobiles and not found.wechat:
        found.wechat = found.mobiles[0].replace(" ", "")
    return CardFields(
        name=found.name, title=found.title, company=found.company,
        mobiles=_once(found.mobiles), office_phones=_once(found.offices),
        faxes=_once(found.faxes), emails=_once(found.emails), wechat=found.wechat,
        address=_join_address(found.address), website=found.website)


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    top = max(a.box[1], b.box[1])
    bottom = min(a.box[1] + a.box[3], b.box[1] + b.box[3])
    return bottom - top > 0.5 * min(a.box[3], b.box[3])


def _reading_order(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """The lines top to bottom, left to right, blank ones left out; a label
    the engine boxed apart from its value (``手机：`` | ``138 0013 8000``) is
    joined to the box right of it on the same row."""
    ordered = sorted((line for line in lines if ct.clean_line(line.text)),
                     key=lambda line: (line.box[1] + line.box[3] / 2, line.box[0]))
    partner: dict[int, int] = {}  # label line -> its value's line
    for i, line in enumerate(ordered):
        if ct.label_only(ct.clean_line(line.text)) is None:
            continue
        right = [j for j, other in enumerate(ordered)
                 if j != i and j not in partner and j not in partner.values()
                 and _same_row(line, other) and other.box[0] >= line.box[0] + line.box[2] * 0.8]
        if right:
            partner[i] = min(right, key=lambda k: ordered[k].box[0])
    result: list[OcrLine] = []
    for i, line in enumerate(ordered):
        if i in partner.values():
            continue
        if i in partner:
            other = ordered[partner[i]]
            left, top = line.box[0], min(line.box[1], other.box[1])
            width = other.box[0] + other.box[2] - left
            height = max(line.box[1] + line.box[3], other.box[1] + other.box[3]) - top
            line = OcrLine(f"{line.text} {other.text}", (left, top, width, height),
                           min(line.score, other.score))
        result.append(line)
    return result


def _once(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _add_phones(kind: str, text: str, found: _Found) -> None:
    for number, mobile in ct.find_phones(text, lenient=True):
        if kind == ct.FAX:
            found.faxes.append(number)
        elif kind == ct.OFFICE_FAX:
            found.offices.append(number)
            found.faxes.append(number)
        elif mobile or kind == ct.MOBILE:  # +1 987 123 4567 after "Cell" is one
            found.mobiles.append(number)
        else:
            found.offices.append(number)


def _contacts(text: str, found: _Found) -> str:
    """Takes the e-mails, website and phones out of an unlabelled piece;
    returns what is left of it (the text of a name, company, title or address)."""
    emails = ct.find_emails(text)
    if emails:
        found.emails += emails
        return ""
    website = ct.find_website(text)
    if website and not _COMPANY.search(text.replace(website, "")):
        found.website = found.website or website
        return ""
    if not _ADDRESS_CJK.search(text) and not _ADDRESS_LATIN.search(text):
        phones = ct.find_phones(text)
        if phones and not re.search(r"[A-Za-z\u3400-\u9fff]{3,}", text):
            for number, mobile in phones:
                (found.mobiles if mobile else found.offices).append(number)
            return ""
    return text


def _is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _spaced(text: str) -> str:
    """Latin words OCR ran together taken apart again: ``SalesDirector``,
    ``9GaoxinSouthRoad``, ``NERedmond`` (``WeChat``, ``McDonald``, ``GmbH`` stay)."""
    if _CJK.search(text):
        return text
    kept = {m.start() for m in _CAMEL_WORDS.finditer(text)}
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        inside = any(k < i < k + 12 for k in kept)
        # before a capital that starts a word (GmbH, PhD keep theirs)
        if ch.isupper() and nxt.islower() and not inside and (
                prev.islower() or prev.isdigit()
                or (prev.isupper() and i >= 2 and text[i - 2].isupper())):
            out.append(" ")
        out.append(ch)
    return "".join(out)


def _name_shape(text: str) -> tuple[int, str] | None:
    """(how sure, the name) when ``text`` is shaped like a person's name."""
    text = _HONORIFIC.sub("", text.strip())
    compact = re.sub(r"\s+", "", text)
    if re.fullmatch(r"[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]{1,6}·[\u3400-\u9fff]{1,8}", compact):
        surname = compact[:1] in _SURNAMES or compact.startswith(_COMPOUND_SURNAMES)
        if not surname and (_ADDRESS_CJK.search(compact[-1:]) or _DEPARTMENT.match(compact)):
            return None
        return (2 if surname else 1), compact
    if _LATIN_NAME.fullmatch(text.strip()) and not _NOT_NAME_WORDS.search(text):
        return 2, " ".join(text.split())
    return None


def _read_texts(texts: list[_Text], found: _Found) -> None:
    companies: list[str] = []
    titles: list[str] = []
    departments: list[str] = []
    names: list[tuple[int, float, int, str]] = []  # sure, height, -order, name
    for order, item in enumerate(texts):
        text = item.text = _spaced(item.text)
        if _COMPANY.search(text) and len(text) >= 4:
            companies.append(text)
        elif _DEPARTMENT.match(text) and not _TITLE.search(text.rsplit(None, 1)[-1]):
            departments.append(text)
        elif _TITLE.search(text) and len(text) <= 60 and not re.search(r"\d{3}", text):
            name, title = _name_and_title(text)
            if name:
                names.append((name[0], item.line.box[3], -order, name[1]))
            titles.append(title)
        elif (shape := _name_shape(text)) is not None:
            names.append((shape[0], item.line.box[3], -order, shape[1]))
        elif _ADDRESS_CJK.search(text) or _ADDRESS_LATIN.search(text):
            if not found.address:
                found.address, found.address_line = [text], item.line
                item.used = True
            continue
        else:
            continue
        item.used = True
    if names and not found.name:
        found.name = max(names)[3]
    cjk = _is_cjk(found.name) if found.name else True
    if not found.company and companies:
        found.company = _in_script(companies, cjk)
    if not found.title and titles:
        found.title = _in_script(titles, cjk)
        # 市场部 经理: the department says what the title manages; an English
        # card's department line stands apart from the title, as printed
        dept = [d for d in departments if _is_cjk(d) and _is_cjk(found.title)]
        if dept and dept[0] not in found.title:
            found.title = f"{dept[0]} {found.title}"
    if not found.company:
        found.company = _company_by_domain(texts, found)
    _continue_address(texts, found)


def _company_by_domain(texts: list[_Text], found: _Found) -> str:
    """A company printed as a bare brand (``CONTOSO``) is the line that spells
    the e-mail's or website's domain (contoso.com)."""
    hosts = [e.rsplit("@", 1)[-1] for e in found.emails]
    if found.website:
        hosts.append(re.sub(r"^\w+://", "", found.website).split("/")[0])
    labels = {re.sub(r"^www\.", "", h).split(".")[0].replace("-", "") for h in hosts} - _FREE_MAIL
    for item in texts:
        letters = re.sub(r"[^a-z0-9]", "", item.text.lower())
        if not item.used and len(letters) >= 3 and letters in labels:
            item.used = True
            return item.text
    return ""


def _name_and_title(text: str) -> tuple[tuple[int, str] | None, str]:
    """``张伟 总经理``, ``Zhang Wei | CEO``: a name before a title on one line."""
    parts = [p for p in re.split(r"\s*[|,/]\s*|\s{2,}", text) if p]
    if len(parts) == 1 and _is_cjk(text):
        parts = text.split(None, 1)
    if len(parts) >= 2 and not _TITLE.search(parts[0]):
        shape = _name_shape(parts[0])
        if shape is not None:
            return shape, " ".join(parts[1:])
    return None, text


def _in_script(values: list[str], cjk: bool) -> str:
    return next((v for v in values if _is_cjk(v) == cjk), values[0])


def _continue_address(texts: list[_Text], found: _Found) -> None:
    """Adds to the address the unused lines printed right below it, in the
    same size and column. A photo taken at an angle may put the next line's
    box a little higher than this one's: up to most of a line above counts."""
    line = found.address_line
    while line is not None:
        left, top, width, height = line.box
        centre = top + height / 2
        below: _Text | None = None
        nearest = 0.0
        for item in texts:
            l2, t2, w2, h2 = item.line.box
            if item.used or item.line is line:
                continue
            offset = t2 + h2 / 2 - centre
            if (-0.8 * height <= offset <= 2.0 * height and 0.6 <= h2 / height <= 1.6
                    and l2 < left + width and l2 + w2 > left
                    and (below is None or abs(offset) < nearest)):
                below, nearest = item, abs(offset)
        if below is None or (_is_cjk(below.text) != _is_cjk(found.address[-1])
                             and _is_cjk(found.address[0])):
            return  # the English address under the Chinese one repeats it
        below.used = True
        found.address.append(below.text)
        line = below.line


def _join_address(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if not _is_cjk(part):
            part = re.sub(r",(?=\S)", ", ", part)  # Paddington,London as OCR runs it
        if not text:
            text = part
        elif _is_cjk(text) and (_CJK.match(part[:1]) or _CJK.match(text[-1:])):
            text += part  # 北京市朝阳区建国路88号 + SOHO现代城A座: one Chinese address
        elif text.endswith(","):
            text += " " + part
        else:
            text += ", " + part
    return text
