"""The pre-visit brief (拜访前简报) on paper: its HTML layout, its rendering
to PDF or a printer with Qt's own print support, and the card's and the
client list's "Print brief..." / "Save brief as PDF..." actions."""
