"""The column names of Google's and Outlook's contact CSV exports, as
``contact_csv_layouts`` compares them: case-folded, spaces collapsed.

Every column of each export is listed, not only those read: a sheet is taken
for an export only when each of its columns that an ordinary import would
read is one of that export's own (a sheet of one's own with "First Name,
Last Name, Mobile Phone, WeChat" is mapped column by column, its WeChat
column kept)."""

from __future__ import annotations

GOOGLE_COLUMNS = frozenset((
    "name", "given name", "additional name", "family name", "yomi name", "given name yomi",
    "additional name yomi", "family name yomi", "name prefix", "name suffix", "initials",
    "nickname", "short name", "maiden name", "birthday", "gender", "location",
    "billing information", "directory server", "mileage", "occupation", "hobby",
    "sensitivity", "priority", "subject", "notes", "language", "photo", "group membership",
    "first name", "middle name", "last name", "phonetic first name", "phonetic middle name",
    "phonetic last name", "file as", "organization name", "organization title",
    "organization department", "labels"))
OUTLOOK_COLUMNS = frozenset((
    "title", "first name", "middle name", "last name", "suffix", "company", "department",
    "job title", *(f"{where} {part}" for where in ("business", "home", "other") for part in (
        "street", "street 2", "street 3", "city", "state", "postal code", "country/region",
        "country", "address", "address po box")),
    "assistant's phone", "business fax", "business phone", "business phone 2", "callback",
    "car phone", "company main phone", "home fax", "home phone", "home phone 2", "isdn",
    "mobile phone", "other fax", "other phone", "pager", "primary phone", "radio phone",
    "tty/tdd phone", "telex", "account", "anniversary", "assistant's name",
    "billing information", "birthday", "categories", "children", "directory server",
    "e-mail address", "e-mail type", "e-mail display name", "e-mail 2 address",
    "e-mail 2 type", "e-mail 2 display name", "e-mail 3 address", "e-mail 3 type",
    "e-mail 3 display name", "gender", "government id number", "hobby", "initials",
    "internet free busy", "internet free/busy", "keywords", "language", "location",
    "manager's name", "mileage", "notes", "office location", "organizational id number",
    "priority", "private", "profession", "referred by", "sensitivity", "spouse", "user 1",
    "user 2", "user 3", "user 4", "web page", "display name", "nickname"))
# Columns only an Outlook export has together: four of them and the names make one.
OUTLOOK_SIGNS = frozenset((
    "company", "job title", "business street", "business city", "business phone",
    "business fax", "home phone", "mobile phone", "primary phone", "e-mail address",
    "e-mail type", "e-mail display name", "categories", "web page", "home street"))

# Outlook in Chinese (简体中文版) writes its columns in Chinese, the text in GBK.
OUTLOOK_ZH = {
    "名": "first name", "中间名": "middle name", "姓": "last name", "称谓": "title",
    "中文称谓": "title", "英文称谓": "suffix", "单位": "company", "部门": "department",
    "职务": "job title", "助理的电话": "assistant's phone", "商务传真": "business fax",
    "商务电话": "business phone", "商务电话 2": "business phone 2", "回电话": "callback",
    "车载电话": "car phone", "单位主要电话": "company main phone", "住宅传真": "home fax",
    "住宅电话": "home phone", "住宅电话 2": "home phone 2", "移动电话": "mobile phone",
    "其他传真": "other fax", "其他电话": "other phone", "寻呼机": "pager",
    "主要电话": "primary phone", "无绳电话": "radio phone", "tty/tdd 电话": "tty/tdd phone",
    "电报": "telex", "电子邮件地址": "e-mail address", "电子邮件类型": "e-mail type",
    "电子邮件显示名称": "e-mail display name", "电子邮件 2 地址": "e-mail 2 address",
    "电子邮件 2 类型": "e-mail 2 type", "电子邮件 2 显示名": "e-mail 2 display name",
    "电子邮件 3 地址": "e-mail 3 address", "电子邮件 3 类型": "e-mail 3 type",
    "电子邮件 3 显示名": "e-mail 3 display name", "附注": "notes", "类别": "categories",
    "生日": "birthday", "网页": "web page", "性别": "gender", "帐户": "account",
    "纪念日": "anniversary", "配偶": "spouse", "子女": "children", "地点": "location",
    "办公地点": "office location", "语言": "language", "缩写": "initials",
    **{f"{zh} {zh_part}": f"{en} {en_part}"
       for zh, en in (("商务地址", "business"), ("住宅地址", "home"), ("其他地址", "other"))
       for zh_part, en_part in (("街道", "street"), ("街道 2", "street 2"),
                                ("街道 3", "street 3"), ("市/县", "city"),
                                ("省/市/自治区", "state"), ("邮政编码", "postal code"),
                                ("国家/地区", "country/region"))},
}
