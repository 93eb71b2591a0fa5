"""The organisation card's Contacts page (联系人) and its dialog."""
