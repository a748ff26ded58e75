"""The PostgreSQL archive: the same tables, guarantees and public methods as the SQLite one, for archives
shared by several processes or machines (`[archive] url = "postgresql://..."`)."""
