"""One import at a time: an import holds a lock for as long as it writes, which the
system lets go when its process ends, however it ends. Apart from the rest of the import,
for the catalog's models to tell an import still running from one that stopped
(CatalogImport.check) without importing the import."""

import fcntl
from contextlib import contextmanager, suppress

from django.db import DatabaseError, connection

# The key of the PostgreSQL advisory lock an import holds ("film").
IMPORT_LOCK = 0x66696C6D


class ImportRunning(Exception):
    """Another import is writing to this database."""


@contextmanager
def one_import_at_a_time():
    """An import holds a lock for as long as it writes, so that a second one started
    meanwhile stops at once: it would build the indexes the first dropped under it, both
    would write the same films and people, and it would take the first's unfinished
    CatalogImport for a stopped one. The lock goes with the process, however it ends."""
    if connection.vendor == "postgresql":
        with _advisory_lock():
            yield
    else:
        with _lock_file():
            yield


def import_running() -> bool:
    """Whether another process holds the import's lock now."""
    try:
        with one_import_at_a_time():
            return False
    except ImportRunning:
        return True


@contextmanager
def _advisory_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK])
        if not cursor.fetchone()[0]:
            raise ImportRunning()
    try:
        yield
    finally:
        # In a transaction that failed it cannot be released: the connection's end does.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])


@contextmanager
def _lock_file():
    """SQLite: a lock on a file beside the database (as its -wal and -shm files are),
    which the system lets go when the process ends. Not on the database file itself:
    closing any other descriptor of it would drop SQLite's own locks."""
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or "mode=memory" in name:  # no other process can reach it
        yield
        return
    with open(f"{name}-import-lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning() from None
        yield  # closing the file lets the lock go
