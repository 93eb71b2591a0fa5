"""SQLAlchemy models, the database session, queries and migrations."""
