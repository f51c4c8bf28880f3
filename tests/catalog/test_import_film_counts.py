"""The films counted for each person (Person.film_count) after an import, which the
importer writes with a new person and recounts once at the end for the others."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.db.models import Count

from films.catalog.importing.writer import CatalogWriter
from films.catalog.models import Person


def write(tmp_path, *lines, name="catalog.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def run_import(path, **options):
    call_command("import_catalog", path, stdout=io.StringIO(), stderr=io.StringIO(), **options)


def film(number, **fields):
    return {"id": f"test:film-{number}", "title": f"Film {number}", **fields}


def counted() -> dict[str, int]:
    return dict(Person.objects.values_list("name", "film_count"))


def credited() -> dict[str, int]:
    """The count by its definition: distinct films among the person's credits."""
    people = Person.objects.annotate(n=Count("credits__film", distinct=True))
    return dict(people.values_list("name", "n"))


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_people_new_to_the_database_are_counted_over_every_batch(db, tmp_path, batch_size):
    run_import(
        write(
            tmp_path,
            film(1, directors=["Varda"], cast=["Varda", "Piccoli"]),
            film(2, writers=["Varda"], cast=[{"id": "test:p1", "name": "Deneuve"}]),
            film(3, cast=["Piccoli", {"id": "test:p1", "name": "Deneuve"}]),
        ),
        batch_size=batch_size,
    )

    assert counted() == credited() == {"Varda": 2, "Piccoli": 2, "Deneuve": 2}


def test_people_already_in_the_database_are_recounted(db, tmp_path):
    run_import(write(tmp_path, film(1, cast=["Piccoli"]), name="first.jsonl"))

    run_import(write(tmp_path, film(2, cast=["Piccoli"]), film(3, cast=["Piccoli"])))

    assert counted() == credited() == {"Piccoli": 3}


def test_someone_a_reimport_takes_off_a_film_is_recounted(db, tmp_path):
    run_import(
        write(tmp_path, film(1, cast=["Piccoli", "Varda"]), film(2, cast=["Varda"])),
        batch_size=1,
    )

    run_import(write(tmp_path, film(1, cast=["Piccoli"]), name="again.jsonl"))

    assert counted() == credited() == {"Piccoli": 1, "Varda": 1}


def test_an_interrupted_import_leaves_exact_counts_for_what_it_wrote(db, tmp_path, monkeypatch):
    write_batch = CatalogWriter.write_batch
    written = []

    def fail_on_the_second_batch(self, records):
        if written:
            raise DatabaseError("the server went away")
        written.append(records)
        return write_batch(self, records)

    monkeypatch.setattr(CatalogWriter, "write_batch", fail_on_the_second_batch)
    path = write(tmp_path, film(1, cast=["Piccoli"]), film(2, cast=["Piccoli", "Varda"]))

    with pytest.raises(DatabaseError):
        run_import(path, batch_size=1)

    # Piccoli was created with the whole catalog's 2 films; only film 1 was written.
    assert counted() == credited() == {"Piccoli": 1}
