"""What every reader of an import file returns: the cells of one sheet (or
the contacts of a vCard file) as rows, and the names of the formats read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_crm.domain.vcard_detail import CardDetail

XLSX, XLS, ODS, CSV, VCF = "xlsx", "xls", "ods", "csv", "vcf"
SheetOrder = Callable[[Sequence[str]], list[str]]  # the order a workbook's sheets are tried
FORMATS = (XLSX, XLS, ODS, CSV, VCF)


@dataclass
class SourceTable:
    """The cells of one sheet (or the contacts of a vCard file) as rows.

    Attributes:
        path: the file read.
        format: one of FORMATS.
        rows: cell values (str, float, int, bool, date, datetime or None).
        first_row: the file's row number of ``rows[0]`` (1-based).
        sheet: the sheet read ("" for csv and vcf).
        sheet_names: every sheet of a workbook, for a sheet chooser.
        encoding: the text encoding of a csv or vcf file.
        fixed_headers: header row index and mapping when the reader knows
            them (vCards), instead of detecting them.
        database_uuid: the UUID of the database a Desktop CRM workbook was
            exported from (its custom document property), else None.
        photos: a vCard's photo (the image file's bytes, not checked yet)
            by the index in ``rows`` of its contact.
        details: what a vCard says that the columns cannot hold (nature,
            phone kinds and order), by the index in ``rows`` of its contact.
        layout: the contact export the rows were rewritten from (Google
            Contacts, Outlook), translated; "" for other files.
    """

    path: Path
    format: str
    rows: list[list[Any]]
    first_row: int = 1
    sheet: str = ""
    sheet_names: list[str] = field(default_factory=list)
    encoding: str = ""
    fixed_mapping: dict[int, str] | None = None
    database_uuid: str | None = None
    photos: dict[int, bytes] = field(default_factory=dict)
    details: dict[int, CardDetail] = field(default_factory=dict)
    layout: str = ""
