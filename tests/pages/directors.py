"""A small catalog made for the tests of pages that add up similar films (For you, Films like
these): films that share their directors, with their similar films built."""

from films.catalog.models import Film
from recommendations.services import build_all
from tests.conftest import make_film
from tests.recommendations.catalog import add_bare_films


def make_directors_catalog(**more: dict) -> dict[str, Film]:
    """Four Ridley Scott films, three Michael Bay films (Gladiator is both's, here) and a
    Kubrick, by short name, with `more` films (short name: make_film's arguments); padded
    so that a shared director counts."""
    scott, bay = ["Ridley Scott"], ["Michael Bay"]
    made = {
        "alien": make_film(title="Alien", year=1979, directors=scott, genres=["Horror"]),
        "blade": make_film(title="Blade Runner", year=1982, directors=scott, genres=["Noir"]),
        "gladiator": make_film(title="Gladiator", year=2000, directors=scott + bay),
        "martian": make_film(title="The Martian", year=2015, directors=scott, genres=["Noir"]),
        "armageddon": make_film(title="Armageddon", year=1998, directors=bay),
        "rock": make_film(title="The Rock", year=1996, directors=bay),
        "shining": make_film(title="The Shining", year=1980, directors=["Stanley Kubrick"]),
    }
    made.update({name: make_film(**arguments) for name, arguments in more.items()})
    add_bare_films(300)
    build_all()
    return made
