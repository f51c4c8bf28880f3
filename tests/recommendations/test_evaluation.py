from django.core.management import call_command

from films.models import Credit, Film
from recommendations.evaluation import evaluate
from recommendations.services import build_all
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
