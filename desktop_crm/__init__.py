"""Desktop CRM: an offline client-card manager for salespeople."""

__version__ = "0.1.0"
