"""Pure-Python business rules: entities, validation, pinyin keys, dates.

Nothing here imports Qt or SQLAlchemy; a test enforces it.
"""
