"""The client-cards tab: list, search, filters and the card editor."""
