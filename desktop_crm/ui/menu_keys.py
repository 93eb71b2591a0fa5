"""The shortcuts of menu actions whose code loads on first use (the business
card scan, the complaints tab): the menus need the keys at start, not the
code behind them."""

from __future__ import annotations

SCAN_CARD = "Ctrl+Shift+B"  # B for business card; Ctrl+N is the blank new card
NEW_COMPLAINT = "Ctrl+Shift+K"
SETTINGS = "Ctrl+,"  # File > Settings (its dialog loads when opened)
