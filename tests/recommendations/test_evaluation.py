import json

import pytest
from django.core.management import CommandError, call_command

from films.catalog.models import Credit, Film
from recommendations.evaluation import evaluate
from recommendations.services import build_all
from tests.conftest import make_film
from tests.recommendations.catalog import add_bare_films, add_films_credited_to


def test_it_reports_how_many_films_of_the_same_director_and_series_are_suggested(db):
    add_bare_films(200)
    figgis = add_films_credited_to("Mike Figgis", Credit.Role.DIRECTOR, 3)
    series = add_bare_films(2, series="Before trilogy")
    build_all()

    figures = evaluate()

    assert figures["films"] == Film.objects.count()
    assert figures["self_suggestions"] == 0
    assert figures["films_with_a_duplicate_suggestion"] == 0
    assert figures["same_director"] == {
        "films": len(figgis),
        "recall": 1.0,
        "recall_in_top10": 1.0,
        "mean_rank": 1.5,
    }
    assert figures["same_series"]["films"] == len(series)
    assert figures["same_series"]["recall"] == 1.0


def test_it_counts_a_film_that_suggests_another_record_of_itself(db):
    add_bare_films(200)
    first, second = add_films_credited_to("Jane Campion", Credit.Role.DIRECTOR, 2)
    Film.objects.filter(pk=second.pk).update(title=first.title, year=first.year)
    build_all()

    assert evaluate()["suggestions_with_the_same_title_and_year"] == 2


def test_the_command_prints_the_figures_as_json(db, capsys):
    add_bare_films(5)
    build_all()
    call_command("evaluate_recommendations")
    assert '"self_suggestions": 0' in capsys.readouterr().out


def test_the_franchise_report_counts_mates_in_the_first_ten(db, tmp_path, capsys):
    add_bare_films(200)
    alien = [
        make_film(title=title, external_id=f"test:{n}", year=year, cast=["Sigourney Weaver"])
        for n, (title, year) in enumerate((("Alien", 1979), ("Aliens", 1986), ("Alien 3", 1992)))
    ]
    # A franchise whose films share nothing: no mate can be found.
    make_film(title="Dr. No", external_id="test:bond-1")
    make_film(title="Goldfinger", external_id="test:bond-2")
    listed = {
        "about": "made for the test",
        "franchises": [
            {"name": "Alien", "films": [{"id": f.external_id} for f in alien]},
            {"name": "James Bond", "films": [{"id": "test:bond-1"}, {"id": "test:bond-2"}]},
            {"name": "Not in this catalog", "films": [{"id": "test:none"}, {"id": "test:nil"}]},
        ],
    }
    path = tmp_path / "franchises.json"
    path.write_text(json.dumps(listed))
    build_all()

    call_command("evaluate_recommendations", "--franchises", str(path))

    report = json.loads(capsys.readouterr().out)["franchises"]
    # Alien: 3 films x 2 mates found; Bond: 2 films x 1 mate missed.
    assert report["films"] == 5
    assert report["recall_in_top10"] == round(6 / 8, 3)
    assert report["films_with_a_mate_in_top10"] == round(3 / 5, 3)
    assert report["most_missed"] == {"James Bond": 2}


def test_an_unreadable_franchise_list_is_an_error_that_names_it(db, tmp_path):
    path = tmp_path / "franchises.json"
    path.write_text("{not json")

    with pytest.raises(CommandError, match="franchises.json"):
        call_command("evaluate_recommendations", "--franchises", str(path))
