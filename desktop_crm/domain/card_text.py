"""The small pieces of a business card's text: labels, phones, e-mails, websites.

`business_card.parse_card` reads a card line by line with these. Each helper
takes OCR text as it comes (full-width characters, a space around ``@``, a
Chinese comma for a dot) and gives the value the way the app stores it: a
mobile as ``138 0013 8000``, a landline as ``010-6552 9988`` (``转 123`` for an
extension), an international number as ``+1 415 555 0100``. Every phone given
passes ``validation.check_phone`` unless the card itself left out the area
code (then it is given as printed, for the user to complete).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from desktop_crm.domain.validation import check_email

__all__ = [
    "Segment", "clean_line", "find_emails", "find_phones", "find_website", "format_phone",
    "label_only", "segments",
]

# -- labels -------------------------------------------------------------------------

MOBILE = "mobile"
OFFICE = "office"
FAX = "fax"
OFFICE_FAX = "office_fax"  # 电话/传真 12345678: one number for both
EMAIL = "email"
WECHAT = "wechat"
QQ = "qq"
ADDRESS = "address"
WEBSITE = "website"
COMPANY = "company"
TITLE = "title"
NAME = "name"
POSTCODE = "postcode"
PHONE_KINDS = frozenset({MOBILE, OFFICE, FAX, OFFICE_FAX})

# Chinese labels may be set with spaces between their characters (地  址).
_CJK_LABELS: dict[str, tuple[str, ...]] = {
    OFFICE_FAX: ("电话/传真", "电话传真", "电话及传真"),
    MOBILE: ("手机号码", "手机号", "手机", "移动电话"),
    OFFICE: ("办公电话", "公司电话", "联系电话", "直线电话", "电话", "座机", "固话", "总机",
             "直线", "服务热线", "热线"),
    FAX: ("传真号码", "传真"),
    EMAIL: ("电子邮箱", "电子邮件", "邮箱", "邮件", "电邮"),
    WECHAT: ("微信号", "微信"),
    ADDRESS: ("公司地址", "办公地址", "通讯地址", "联系地址", "地址"),
    WEBSITE: ("公司网址", "网址", "官网", "网站", "主页"),
    COMPANY: ("公司名称", "单位名称"),
    TITLE: ("职位", "职务"),
    NAME: ("姓名",),
    POSTCODE: ("邮政编码", "邮编"),
}
_LATIN_LABELS: dict[str, tuple[str, ...]] = {
    OFFICE_FAX: ("tel/fax", "tel & fax", "phone/fax", "t/f"),
    MOBILE: ("mobile phone", "mobile", "mob", "cellphone", "cell", "handphone", "hp", "m"),
    OFFICE: ("telephone", "tel", "phone", "office", "direct", "ph", "t", "p", "o"),
    FAX: ("facsimile", "fax", "f"),
    EMAIL: ("e-mail address", "email address", "e-mail add", "email add", "e-mail", "email",
            "mail", "e"),
    WECHAT: ("wechat id", "wechat", "weixin", "wx"),
    ADDRESS: ("address", "addr", "add", "a"),
    WEBSITE: ("website", "web", "url", "w"),
    QQ: ("qq号", "qq"),
    COMPANY: ("company",),
    POSTCODE: ("postcode", "post code", "zip code", "zip"),
}


def _alternatives() -> list[tuple[str, str, bool]]:
    """(regex, kind, latin) of every label, longest first (手机号码 before 手机)."""
    found: list[tuple[str, str, bool]] = []
    for kind, words in _CJK_LABELS.items():
        found += [(r"\s*".join(re.escape(ch) for ch in word), kind, False) for word in words]
    for kind, words in _LATIN_LABELS.items():
        found += [(re.escape(word).replace(r"\ ", r"\s*"), kind, True) for word in words]
    found.sort(key=lambda a: -len(a[0]))
    return found


_ALTERNATIVES = _alternatives()
_LABEL = re.compile("|".join(f"(?P<k{i}>{pattern})"
                             for i, (pattern, _k, _l) in enumerate(_ALTERNATIVES)), re.IGNORECASE)
# the colon: OCR reads ：as ; now and then
_AFTER_LABEL = re.compile(r"\s*(?P<colon>[:;]|\.(?!\d))?\s*")
# "Mobile No :", "Telephone Number:"
_AFTER_LATIN = re.compile(r"(?:\s*(?:no\.?|number)(?![A-Za-z]))?\s*(?P<colon>[:;]|\.(?!\d))?\s*",
                          re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]|(?<=\d)[\u30fc\u4e00](?=\d)")


@dataclass(frozen=True)
class Segment:
    """A piece of a line: the value after a label (``kind`` names the label's
    field) or text without a label (``kind`` None)."""

    kind: str | None
    text: str
    label: str = ""


def clean_line(text: str) -> str:
    """OCR text as the parser reads it: full-width folded (NFKC: ``：`` to
    ``:``, ``１３８`` to ``138``), look-alike bars made ``|``, tabs made spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("丨", "|").replace("\t", " ").replace("\u3000", " ")
    return _DASHES.sub("-", text).strip()  # OCR reads a dash as any of them


def _label_at(text: str, start: int, end: int, kind: str, latin: bool,
              after_phone: bool) -> tuple[bool, int]:
    """Whether the label found at text[start:end] is one, and where its value starts."""
    before = text[start - 1] if start else ""
    if latin and re.match(r"[A-Za-z@_\-]|\.[A-Za-z]", text[end:end + 2]):
        return False, end  # "Director" holds no label "dir", mail@example.com no "mail"
    after = (_AFTER_LATIN if latin else _AFTER_LABEL).match(text, end)
    if after is None:
        return False, end
    colon = after.group("colon")
    word = text[start:end]
    value = text[after.end():]
    if not latin:
        # not in the middle of a Chinese word (中国移动通信: no label in it)
        return not _CJK.match(before), after.end()
    if before and (before.isalnum() or before in "@._-"):
        return False, end
    letters = len(re.sub(r"[^A-Za-z]", "", word))
    if colon == "." and letters < 2:  # "M. Smith" is an initial, not a label
        colon = None
    if colon:
        return True, after.end()
    # Without a colon a latin word must be followed by what it labels
    # ("Office Manager" is a title, "T3 Building" an address).
    if kind in PHONE_KINDS:
        ok = bool(re.match(r"\s*[+(\d]", text[end:])) and (letters > 1 or not before
                                                           or after_phone)
        return ok, after.end()
    if kind == EMAIL:
        return "@" in value.split()[0] if value.split() else False, after.end()
    if kind == WEBSITE:
        return letters > 1 and "." in value, after.end()
    return letters > 3 and not before, after.end()


def segments(text: str) -> list[Segment]:
    """The labelled and unlabelled pieces of a cleaned line, in order:
    ``T: 010-1234 5678 F: 010-5678 1234`` gives two phone segments."""
    found: list[tuple[int, int, str, str]] = []  # label start, value start, kind, label
    for match in _LABEL.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        _pattern, kind, latin = _ALTERNATIVES[index]
        after_phone = bool(found) and found[-1][2] in PHONE_KINDS and bool(
            re.search(r"\d\s*$", text[:match.start()]))
        ok, value_start = _label_at(text, match.start(), match.end(), kind, latin, after_phone)
        if ok:
            found.append((match.start(), value_start, kind, match.group(0)))
    if not found:
        return [Segment(None, text)] if text else []
    result: list[Segment] = []
    head = text[:found[0][0]].strip(" |,;")
    if head:
        result.append(Segment(None, head))
    for i, (_start, value_start, kind, label) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        result.append(Segment(kind, text[value_start:stop].strip(" |,;"), label))
    return result


def label_only(text: str) -> str | None:
    """The field of a line that is nothing but a label (``手机：``, ``Tel``),
    as OCR gives it when the value stands apart in its own box; else None."""
    bare = re.sub(r"\s*[:;.]?\s*$", "", text)
    match = _LABEL.fullmatch(bare)
    if match is None:
        return None
    index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
    return _ALTERNATIVES[index][1]


# -- phones -------------------------------------------------------------------------

_EXTENSION = re.compile(r"\s*(?P<word>转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})\s*$", re.IGNORECASE)
_RUN = re.compile(r"\+?[\d(][\d\s\-().]*\d(?:\s*(?:转|分机|ext\.?|x|#)\s*\d{1,6})?",
                  re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")


def _local(digits: str) -> str:
    """A local number grouped as printed in China: 6552 9988, 655 2998."""
    return f"{digits[:-4]} {digits[-4:]}"


def format_phone(text: str, *, lenient: bool = False) -> tuple[str, bool] | None:
    """``(number, is_mobile)`` of one phone number written any common way
    (``+86 138-0013-8000``, ``(0755) 8888 6666 转 12``, ``+86 (0)21 6888 8888``,
    ``+1 (415) 555-0100``), in the form the app stores; None when ``text`` is
    not a phone number. ``lenient``: a number without its area code (printed
    after a label) is given as printed rather than refused."""
    raw = clean_line(text).replace("(0)", " ")
    extension, word = "", ""
    m = _EXTENSION.search(raw)
    if m and re.search(r"\d{7}", re.sub(r"\D", "", raw[:m.start()])):
        extension, word, raw = m.group("ext"), m.group("word"), raw[:m.start()]
    digits = re.sub(r"\D", "", raw)
    plus = raw.startswith("+")
    if not plus and digits.startswith("00"):
        plus, digits = True, digits[2:]
    if plus and not digits.startswith("86"):
        if not 7 <= len(digits) <= 15 or digits[0] == "0":
            return None
        groups = re.sub(r"\D+", " ", raw.split("+", 1)[-1]).split()
        return "+" + " ".join(groups), False
    if plus or (digits.startswith("86") and len(digits) == 13 and _MOBILE.fullmatch(digits[2:])):
        digits = digits[2:]
        if not digits.startswith("0") and not _MOBILE.fullmatch(digits):
            digits = "0" + digits  # +86 21 6888 8888 is 021-6888 8888
    if _MOBILE.fullmatch(digits):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}", True
    tail = ""
    if extension:
        tail = f" 转 {extension}" if word in ("转", "分机") else f" ext. {extension}"
    if re.fullmatch(r"[48]00\d{7}", digits):  # 400/800 service numbers
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", False
    if digits.startswith("0"):
        area = digits[:3] if digits[1:2] in ("1", "2") else digits[:4]
        local = digits[len(area):]
        if 7 <= len(local) <= 8:
            return f"{area}-{_local(local)}{tail}", False
        return None
    if lenient and 7 <= len(digits) <= 8:
        return _local(digits) + tail, False
    return None


def find_phones(text: str, *, lenient: bool = False) -> list[tuple[str, bool]]:
    """Every phone number in ``text`` (``(number, is_mobile)``, in order, each
    once): several numbers may share a line, separated by ``/``, commas or
    only spaces (``138 0013 8000 139 1234 5678``)."""
    found: list[tuple[str, bool]] = []
    for piece in re.split(r"[/,;、|]|\s{3,}", clean_line(text)):
        for run in _RUN.finditer(piece):
            found += _split_run(run.group(0), lenient)
    return list(dict.fromkeys(found))


def _split_run(run: str, lenient: bool) -> list[tuple[str, bool]]:
    whole = format_phone(run, lenient=lenient)
    if whole is not None:
        return [whole]
    tokens = run.split()
    found: list[tuple[str, bool]] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            phone = format_phone(" ".join(tokens[i:j]), lenient=lenient)
            if phone is not None:
                found.append(phone)
                i = j
                break
        else:
            i += 1
    return found


# -- e-mail and web -----------------------------------------------------------------

_LOCAL_PART = re.compile(r"[A-Za-z0-9._%+\-]+$")
_DOMAIN = re.compile(r"[A-Za-z0-9\-]+(?:\s*[.,。·]\s*[A-Za-z][A-Za-z0-9\-]*)+")
_KNOWN_TLDS = ("com", "cn", "net", "org", "io", "co", "biz", "info", "gov", "edu", "hk",
               "tw", "jp", "de", "uk", "us", "sg", "top", "cc", "tv", "me")
_URL = re.compile(r"(?:(?:https?)://)?(?:www\.)?[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*"
                  r"\.[a-z]{2,10}(?::\d{2,5})?(?:/[^\s]*)?", re.IGNORECASE)


# OCR reads a sans-serif l as 1: a 1 between two letters, or starting a word
# before a vowel (1ina@, wang.1ei@, shu1ian56.com), is an l in the addresses
# cards print (pinyin syllables la, li, lu ...; digits come in runs: li1985,
# 163.com; 1st@ stays)
_ONE_FOR_L = re.compile(r"(?<=[A-Za-z])1(?=[A-Za-z])|(?:^|(?<=[._\-]))1(?=[aeiouv][a-z])",
                        re.IGNORECASE)


def find_emails(text: str) -> list[str]:
    """The e-mail addresses in ``text``, mended where OCR is known to err: a
    space around ``@`` or a dot, ``,``/``。`` read for a dot, ``1`` for ``l``
    between letters. Domains in lower case."""
    text = re.sub(r"\s*@\s*", "@", clean_line(text))
    found: list[str] = []
    for at in (i for i, ch in enumerate(text) if ch == "@"):
        local = _LOCAL_PART.search(text[:at])
        domain = _DOMAIN.match(text, at + 1)
        if not local or not domain:
            continue
        name = _ONE_FOR_L.sub("l", re.sub(r"\s*[.,。·]\s*", ".", domain.group(0)).lower())
        address = f"{_ONE_FOR_L.sub('l', local.group(0).strip('.'))}@{name}"
        if check_email(address) is None:
            found.append(address)
    return list(dict.fromkeys(found))


def find_website(text: str, *, labelled: bool = False) -> str:
    """The website in ``text`` (``www.example.com.cn``, ``https://example.com/zh``),
    or ""; without a label only an address that starts with www or http or
    ends in a common top-level domain counts."""
    text = clean_line(text)
    text = re.sub(r"\S+@\S+", " ", text)  # an e-mail address is not a website
    if labelled:
        text = re.sub(r"\s*[,。·]\s*|\s+\.\s*|\.\s+", ".", text)
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;")
        lower = url.lower()
        host = re.sub(r"^https?://", "", lower).split("/")[0]
        if labelled or lower.startswith(("www.", "http")) or host.rsplit(".", 1)[-1] in \
                _KNOWN_TLDS:
            return re.sub(r"^(https?://)?([^/]+)", lambda m: (m.group(1) or "").lower()
                          + m.group(2).lower(), url)
    return ""
