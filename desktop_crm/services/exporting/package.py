"""Saving the workbook: openpyxl's package with the streamed rows put in.

openpyxl saves the workbook with each streamed sheet holding only its header
row; the package is then copied entry by entry into the final file, and each
streamed sheet's rows go in just before its ``</sheetData>``. The final file
is written through :func:`desktop_crm.services.files.atomic_file`, so a failed
or interrupted export never leaves a partial workbook under its name.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook

from desktop_crm.services.exporting.row_xml import StreamedSheet
from desktop_crm.services.files import atomic_file

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_END = b"</sheetData>"
# zlib level 1 instead of the default 6: measured at 20,000 clients, the file
# is a quarter larger (14.2 MB instead of 11.4) and the export 7% faster.
COMPRESS_LEVEL = 1
CHUNK = 1 << 20


def save(wb: Workbook, sheets: Sequence[StreamedSheet], path: Path, *,
         database_uuid: str = "") -> None:
    """Write ``wb`` to ``path`` with the rows of ``sheets`` in their sheets;
    ``database_uuid`` names the database it was exported from (a custom
    document property, read back by services/importing/origin.py)."""
    if database_uuid:
        from openpyxl.packaging.custom import StringProperty

        from desktop_crm.domain.identity import DATABASE_UUID_PROPERTY

        wb.custom_doc_props.append(StringProperty(name=DATABASE_UUID_PROPERTY,
                                                  value=database_uuid))
    # openpyxl writes an empty <workbookProtection/> for a workbook nobody
    # protected; Gnumeric warns "Unexpected element" on every open.
    wb.security = None
    frame = io.BytesIO()
    wb.save(frame)
    with zipfile.ZipFile(frame) as src:
        parts = _sheet_parts(src)
        rows = {parts[s.ws.title]: s for s in sheets}
        with atomic_file(path) as fh, \
                zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED,
                                compresslevel=COMPRESS_LEVEL) as dst:
            for info in src.infolist():
                data = src.read(info)
                sheet = rows.get(info.filename)
                if sheet is None:
                    dst.writestr(info.filename, data)
                    continue
                head, end, tail = data.partition(_END)
                if not end:
                    raise ValueError(f"{info.filename} has no sheetData")
                with dst.open(info.filename, "w", force_zip64=True) as out:
                    out.write(head)
                    sheet.rows_file.seek(0)
                    shutil.copyfileobj(sheet.rows_file, out, CHUNK)
                    out.write(end + tail)


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package, from the workbook and its
    relationships (the package openpyxl just wrote, so plain ElementTree)."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(f"{_REL}id")]
        target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(target)
    return parts
