"""Bulk writes of the import.

A large catalog is millions of rows (300,000 films: 1,000,000 people, 4,700,000 credits).
On PostgreSQL new rows go in with COPY, ids drawn from the table's sequence beforehand,
and lookups send their keys as one array (= ANY(%s)): several times faster than INSERTs
whose every value goes through Django's field preparation, and than IN lists cut into
chunks. Other databases (SQLite: the demo and the tests) take the ORM's path.
"""

import json
import operator
from typing import NamedTuple

from django.db import connection, models

from films.catalog.importing.validation import IN_CHUNK
from films.catalog.models import (
    Film,
    Person,
)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def copy_rows(table: str, columns: list[str], rows) -> None:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows given as tuples of column values."""
    if not rows:
        return
    if on_postgresql():
        copy_rows(model._meta.db_table, columns, rows)
        return
    attnames = [model._meta.get_field(column).attname for column in columns]
    model.objects.bulk_create(
        [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=2000
    )


def new_ids(model, count: int) -> list[int] | None:
    """Ids for `count` new rows of the model, drawn from its sequence now, so that the rows
    referring to them can be made before any is written (PostgreSQL); None elsewhere."""
    if not on_postgresql():
        return None
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def insert_objects(model, objects: list) -> None:
    """Insert new model objects and set their ids: COPY when the ids are drawn already
    (PostgreSQL), else bulk_create, and where that does not return ids (SQLite before
    3.35) they are read back."""
    if not objects:
        return
    if objects[0].pk is None:
        model.objects.bulk_create(objects, batch_size=1000)
        if objects[0].pk is None:
            read_back_ids(model, objects)
        return
    fields = model._meta.concrete_fields
    values = [copy_value(field) for field in fields]
    copy_rows(
        model._meta.db_table,
        [field.column for field in fields],
        (tuple(value(obj) for value in values) for obj in objects),
    )


def read_back_ids(model, objects: list) -> None:
    # Each of these models has a natural key among its new rows: a film's external id, a
    # genre's name, a person's external id or else name.
    if model is Person:
        found = find_people(
            [p.external_id for p in objects if p.external_id],
            [p.name for p in objects if not p.external_id],
        )
        for person in objects:
            key = ("id", person.external_id) if person.external_id else ("name", person.name)
            person.pk = found[key].pk
        return
    field = "external_id" if model is Film else "name"
    by_key = {getattr(obj, field): obj for obj in objects}
    for chunk in chunks(by_key):
        rows = model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "pk")
        for key, pk in rows:
            by_key[key].pk = pk


# Fields whose Python value is also what COPY writes: no preparation to run for them.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # and the auto, small, big and positive ones
    models.BooleanField,
    models.FloatField,
    models.DecimalField,
    models.ForeignKey,
)


def copy_value(field):
    if isinstance(field, _PLAIN_FIELDS) or type(field) is models.DateField:
        return operator.attrgetter(field.attname)
    # auto_now(_add) dates, and any field needing Django's conversion (JSON, say).
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def select_by(model, columns: str, key: str, values: list, where: str = "") -> list[tuple]:
    """Rows (`columns`) of the model whose `key` column is one of `values`."""
    if not values:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    if on_postgresql():
        # One array parameter, whatever the number of values.
        sql = f"SELECT {columns} FROM {table} WHERE {key} = ANY(%s) {where}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [values])
            return cursor.fetchall()
    rows = []
    with connection.cursor() as cursor:
        for chunk in chunks(values):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {key} IN ({marks}) {where}", chunk)
            rows += cursor.fetchall()
    return rows


def chunks(items, size=IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Found(NamedTuple):
    pk: int | None  # None until written, where ids are not drawn beforehand
    name: str
    links: tuple[tuple[str, str], ...] = ()  # as PersonRef.links


def find_people(with_id: list[str], by_name: list[str]) -> dict[tuple, Found]:
    found = {}
    columns = "id, name, external_id, links"
    for pk, name, external_id, links in select_by(Person, columns, "external_id", with_id):
        found[("id", external_id)] = Found(pk, name, _sorted_items(links))
    for pk, name, links in select_by(
        Person, "id, name, links", "name", by_name, "AND external_id IS NULL"
    ):
        found[("name", name)] = Found(pk, name, _sorted_items(links))
    return found


def _sorted_items(value) -> tuple:
    """A JSON object column as read by a cursor (a dict from PostgreSQL's jsonb, text from
    SQLite) as sorted (key, value) pairs."""
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return tuple(sorted((value or {}).items()))
