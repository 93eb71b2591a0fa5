"""A client import's file in a contact export layout (Google Contacts,
Outlook) read as rows of fixed columns: see ``domain/contact_csv_layouts.py``
for why and how each row is rewritten."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from desktop_crm.domain import contact_csv_layouts as layouts
from desktop_crm.services.importing.table import SourceTable


def recognise(table: SourceTable) -> SourceTable:
    """``table`` rewritten into ``layouts.COLUMNS`` (mapped in advance, like
    a vCard's) when its header row is a known contact export's, else
    ``table`` itself. Row numbers stay the file's."""
    if table.fixed_mapping is not None:
        return table
    layout = layouts.detect(table.rows)
    if layout is None:
        return table
    headers: list[Any] = [layouts.column_header(c) for c in layouts.COLUMNS]
    rows: list[list[Any]] = [headers, *layouts.convert(table.rows, layout)]
    mapping = {i: layouts.column_key(c) for i, c in enumerate(layouts.COLUMNS)}
    return replace(table, rows=rows, first_row=table.first_row + layout.header_row,
                   fixed_mapping=mapping, layout=layout.label)
