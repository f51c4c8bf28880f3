"""A first import into an empty catalog, on PostgreSQL: the indexes that the import
itself never reads are dropped before it and built once after it, as PostgreSQL's manual
advises for populating a database ("Remove Indexes"). Building the largest over 4.7
million credits takes 3 s; keeping the same indexes up to date row by row made a third of
the time of importing 300,000 films.

What is dropped is kept as a DeferredIndex row in the transaction that drops it, and each
index is built again in the transaction that deletes its row: an import stopped in any
way leaves every index either in place or written down, and the next import builds what
is missing before it writes anything.
"""

import logging
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, models, transaction

from films.catalog.importing.lock import ImportRunning, one_import_at_a_time
from films.catalog.models import Credit, DeferredIndex, Film, Person

logger = logging.getLogger(__name__)

# The tables a first import fills. Their unique indexes stay: they check its rows.
TABLES: list[type[models.Model]] = [
    Film,
    Person,
    Credit,
    Film.genres.through,
    Film.themes.through,
    Film.countries.through,
    Film.languages.through,
]
# What the import reads as it goes: people it meets again by name.
READ_BY_THE_IMPORT = ["person_name_idx"]

_DEFERRABLE = """
    SELECT index.relname, pg_get_indexdef(index.oid)
    FROM pg_index
    JOIN pg_class index ON index.oid = pg_index.indexrelid
    JOIN pg_class tbl ON tbl.oid = pg_index.indrelid
    WHERE tbl.relnamespace = current_schema()::regnamespace
      AND tbl.relname = ANY(%s)
      AND NOT pg_index.indisunique
      AND NOT index.relname = ANY(%s)
    ORDER BY index.relname
"""


@contextmanager
def indexes_built_afterwards(*, first_load: bool, build=None):
    """Around the writing of an import: on PostgreSQL, when `first_load`, without the
    indexes it does not read, built again afterwards (however the writing ends). Not
    inside a transaction: its locks on the dropped indexes' tables would last to its end.
    `build`: what builds them (build_deferred_indexes, or a caller's that reports on it)."""
    if not (first_load and connection.vendor == "postgresql" and not connection.in_atomic_block):
        yield
        return
    _drop_deferrable_indexes()
    try:
        yield
    finally:
        (build or build_deferred_indexes)()


def _drop_deferrable_indexes() -> None:
    tables = [model._meta.db_table for model in TABLES]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DEFERRABLE, [tables, READ_BY_THE_IMPORT])
        for name, definition in cursor.fetchall():
            DeferredIndex.objects.create(name=name, definition=definition)
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def build_deferred_indexes(deferred_indexes=DeferredIndex) -> tuple[list[str], list[str]]:
    """Build every index a first import dropped, this one's or one that was stopped:
    (the names of those built, those that failed, kept for the next import to try).
    `deferred_indexes`: the model, or the historical one of a migration's state."""
    built, failed = [], []
    for deferred in deferred_indexes.objects.order_by("name"):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Inside a longer transaction, foreign keys checked at its end would be
                # pending, and PostgreSQL builds no index on a table that has some.
                connection.check_constraints()
                cursor.execute(deferred.definition)  # CREATE INDEX, as PostgreSQL wrote it
                deferred.delete()
        except DatabaseError:
            logger.exception("The index %s could not be built", deferred.name)
            failed.append(deferred.name)
        else:
            built.append(deferred.name)
    return built, failed


def build_before_migrating(*, apps, using, verbosity=1, stdout=None, **_):
    """Before `migrate` (pre_migrate): the indexes a stopped first import left to build.
    A migration that alters or removes one of them would fail on the missing index, or
    the next import would build it as it was before the migration. Left alone while an
    import runs: it builds them when it ends."""
    if using != DEFAULT_DB_ALIAS or connection.vendor != "postgresql":
        return  # the catalog's database, which the imports write to
    try:
        # As the database is before this migrate: a later release may change the model.
        deferred_indexes = apps.get_model("films", "DeferredIndex")
    except LookupError:
        return  # a database migrated for the first time
    say = stdout.write if stdout and verbosity else lambda _: None
    try:
        with one_import_at_a_time():
            built, failed = build_deferred_indexes(deferred_indexes)
    except ImportRunning:
        say("An import is running: it builds the indexes it dropped when it ends.")
        return
    if built:
        say(f"Built the indexes a stopped import left: {', '.join(built)}.")
    if failed:
        say(f"Could not build the indexes a stopped import left: {', '.join(failed)} (the log).")
