"""The Today tab: what needs attention today."""
