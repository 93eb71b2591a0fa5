"""File names Windows accepts as spelt (desktop_crm.domain.file_names)."""

from __future__ import annotations

import pytest

from desktop_crm.domain.file_names import (
    is_device_name,
    portable_file_name,
    windows_refuses,
)


@pytest.mark.parametrize("name", ["CON", "con.ics", "NUL.xlsx", "nul.tar.gz", "Aux", "PRN.pdf",
                                  "COM1.vcf", "lpt9", "COM\u00b9.txt", "CONIN$", "NUL .xlsx"])
def test_device_names_are_recognised_in_any_case_and_with_any_extension(name: str) -> None:
    assert is_device_name(name) and windows_refuses(name)


@pytest.mark.parametrize("name", ["CONSOLE.xlsx", "con-report.xlsx", "COM0.txt", "COM10",
                                  "clients.xlsx", "客户.xlsx", ".CON.xlsx.0a1b2c3d.part"])
def test_ordinary_names_are_not_devices(name: str) -> None:
    assert not windows_refuses(name)


@pytest.mark.parametrize("name", ["book.", "book ", "book.xlsx.", "report .. "])
def test_a_trailing_dot_or_space_is_refused(name: str) -> None:
    assert windows_refuses(name)


@pytest.mark.parametrize("text, expected", [
    ("曾国方", "曾国方"),
    ("CON", "CON_"),
    ("nul", "nul_"),
    ("Com1.Ltd", "Com1_.Ltd"),
    ("A/B:C*D?", "A_B_C_D_"),
    ("  张伟.  ", "张伟"),
    ("...", "client"),
    ("Tab\there", "Tab_here"),
    ("x" * 80, "x" * 60),
])
def test_proposed_names_are_portable(text: str, expected: str) -> None:
    name = portable_file_name(text, "client")
    assert name == expected
    assert not windows_refuses(name + ".pdf") and not windows_refuses(name)
