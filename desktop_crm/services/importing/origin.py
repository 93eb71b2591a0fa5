"""Which database a workbook came from: the custom document property the
manager's workbook carries (``docProps/custom.xml``, written by
services/exporting/workbook.py), read with defusedxml.

An integer client ID in a workbook means something only in the database that
exported it: the import uses that column only when this property names the
database being imported into (.ods, .csv and other programs' files carry
none, so their ID columns are never trusted).
"""

from __future__ import annotations

import zipfile

from desktop_crm.domain.identity import DATABASE_UUID_PROPERTY, parse_uuid

__all__ = ["DATABASE_UUID_PROPERTY", "workbook_database_uuid"]
CUSTOM_PART = "docProps/custom.xml"
_MAX_PART = 1 << 20  # a custom-properties part of a few KB; anything larger is ignored
_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def workbook_database_uuid(archive: zipfile.ZipFile) -> str | None:
    """The database UUID an .xlsx package names, or None when it names none
    (or the part cannot be read: then the ID column is simply not trusted)."""
    try:
        info = archive.getinfo(CUSTOM_PART)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        return None
    try:
        from defusedxml import ElementTree

        root = ElementTree.fromstring(archive.read(info))
    except Exception:
        return None
    for prop in root.iter(f"{_CUSTOM}property"):
        if prop.get("name") == DATABASE_UUID_PROPERTY:
            return parse_uuid("".join(prop.itertext()))
    return None
