"""A synthetic catalog, in the catalog format, for measuring filmsite at scale.

Nothing in it is real: titles, names, themes, series and synopses are made of invented
syllables, ids read "synthetic:F000001" (films) and "synthetic:P0000001" (people), and
every line says `"source": "Synthetic (filmsite generate_catalog)"` (the name of the
command that first wrote it, kept: a benchmark database is recognised by it). What is meant
to be realistic is the shape of the data, since that is what the importer, the similar-films
engine and the pages are sensitive to:

- about 3.3 people per film (1,000,000 for 300,000 films);
- 8 to 20 cast members per film; how many films an actor plays in follows a power law
  with a cut-off (most actors are in one or two films, a few hundred in 100 or more) and a
  handful of stars play in 200 to 260 films;
- directors with 1 to 60 films, one director per film mostly, writers with 1 to 40, and
  directors who write their own films;
- careers are local in time: a person's films lie within a window of the catalog's
  history, so that people who share one film tend to share others;
- 1 to 4 genres per film, drama in about 40% of films; 0 to 12 themes per film out of
  3,000, with a Zipf-like popularity (the commonest in about 7% of films); about 4% of
  films in a series;
- years growing towards today, runtimes around 100 minutes, ratings around 3.2 of 5 with
  heavy-tailed counts, countries and languages skewed as in real catalogs, synopses of
  15 to 250 words.

The same `films` and `seed` give the same file byte for byte: every random draw comes from
one `random.Random(seed)` in a fixed order, and the gzip header carries no time or name.
"""

import bisect
import gzip
import itertools
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SOURCE = "Synthetic (filmsite generate_catalog)"
SYNOPSIS_SOURCE = "Synthetic"
FILM_ID = "synthetic:F{:06d}"
PERSON_ID = "synthetic:P{:07d}"

# --- Shapes ---------------------------------------------------------------------------

CAST_SIZES = list(range(8, 21))
# Mean about 12.5: most films credit 9 to 14 actors, a few the full 20.
CAST_SIZE_WEIGHTS = [6, 9, 11, 12, 11, 10, 9, 8, 7, 6, 5, 3, 3]
DIRECTOR_COUNTS, DIRECTOR_COUNT_WEIGHTS = [1, 2, 3], [90, 8, 2]
WRITER_COUNTS, WRITER_COUNT_WEIGHTS = [0, 1, 2, 3], [8, 52, 30, 10]
# Share of films whose (first) director also writes it.
DIRECTOR_WRITES = 0.3

# Films per person: P(k) ~ k^-alpha * exp(-k / cutoff) for k in 1..largest.
ACTOR_CAREERS = (1.5, 50.0, 199)  # mean 5.2; 62% in one or two films
DIRECTOR_CAREERS = (1.6, 30.0, 60)  # mean 3.4
WRITER_CAREERS = (1.8, 15.0, 40)  # mean 2.3
# Stars play in 200 to 260 films: one per 15,000 films of catalog.
FILMS_PER_STAR = 15_000
STAR_FILMS = (200, 260)
# A career spans this share of the catalog's history (about 20 years of today's films).
CAREER_WINDOW = 0.15

GENRE_COUNTS, GENRE_COUNT_WEIGHTS = [1, 2, 3, 4], [30, 36, 24, 10]
# Drawn without replacement by weight; drama ends up in about 40% of films.
GENRES = {
    "Drama": 22,
    "Comedy": 13,
    "Thriller": 7,
    "Action": 6,
    "Romance": 6,
    "Crime": 5,
    "Horror": 5,
    "Documentary": 4.5,
    "Adventure": 4,
    "Science Fiction": 3,
    "Family": 3,
    "Fantasy": 3,
    "Mystery": 3,
    "Animation": 2.5,
    "History": 2,
    "War": 1.5,
    "Music": 1.5,
    "Western": 1.2,
    "Biography": 1.2,
    "Sport": 0.8,
    "Musical": 0.8,
}
THEME_VOCABULARY = 3000
# Zipf-Mandelbrot, 1 / (rank + offset): the most common theme is in about 7% of films,
# themes past the hundredth in under 1%, the rarest in a handful.
THEME_ZIPF_OFFSET = 10
THEME_COUNTS = list(range(0, 13))
THEME_COUNT_WEIGHTS = [12, 8, 10, 11, 11, 10, 9, 8, 6, 5, 4, 3, 3]  # mean about 4.8
SERIES_SHARE = 0.04

# Country of production, its weight, and the languages its films are mostly in.
COUNTRIES = [
    ("US", 30, ["en"]),
    ("GB", 7, ["en"]),
    ("FR", 7, ["fr"]),
    ("IN", 7, ["hi", "ta", "te"]),
    ("JP", 5, ["ja"]),
    ("DE", 4, ["de"]),
    ("IT", 4, ["it"]),
    ("ES", 3, ["es"]),
    ("CA", 3, ["en", "fr"]),
    ("KR", 2.5, ["ko"]),
    ("CN", 2.5, ["zh"]),
    ("HK", 1.5, ["yue"]),
    ("RU", 2, ["ru"]),
    ("SUHH", 1, ["ru"]),
    ("SE", 1.2, ["sv"]),
    ("DK", 1, ["da"]),
    ("MX", 1.5, ["es"]),
    ("BR", 1.5, ["pt"]),
    ("AR", 1, ["es"]),
    ("AU", 1.5, ["en"]),
    ("TR", 1, ["tr"]),
    ("IR", 0.8, ["fa"]),
    ("PL", 0.8, ["pl"]),
    ("NG", 0.8, ["en", "yo"]),
    ("EG", 0.6, ["ar"]),
    ("BE", 0.8, ["fr", "nl"]),
    ("NL", 0.7, ["nl"]),
    ("CSHH", 0.5, ["cs"]),
    ("PH", 0.7, ["tl"]),
    ("TH", 0.5, ["th"]),
]
CO_PRODUCTION = 0.18
SECOND_LANGUAGE = 0.15

FIRST_YEAR, LAST_YEAR = 1910, 2025
# Films per year grow about 3% a year, so recent films dominate as in real catalogs.
YEAR_GROWTH = 1 / 33

# --- Syllables ------------------------------------------------------------------------

ONSETS = "b br c d dr f g gr h j k kr l m n p pr qu r s st t tr v w z th sh ch".split()
VOWELS = "a e i o u a e i o ae ia ou y".split()
CODAS = ["", "", "", "", "n", "r", "l", "s", "th", "m", "x", "nd", "rk"]


def _syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)


def _word(rng: random.Random, low=1, high=3) -> str:
    return "".join(_syllable(rng) for _ in range(rng.randint(low, high)))


# --- Drawing --------------------------------------------------------------------------


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _career_table(alpha: float, cutoff: float, largest: int) -> list[float]:
    sizes = range(1, largest + 1)
    return _cumulative(k**-alpha * math.exp(-k / cutoff) for k in sizes)


def _careers(rng, shape, slots: int, largest: int, stars: int = 0) -> list[int]:
    """Films per person, summing to exactly `slots`: stars first, then the power law."""
    alpha, cutoff, table_largest = shape
    table = _career_table(alpha, cutoff, max(1, min(table_largest, largest)))
    total = table[-1]
    careers = []
    for _ in range(stars):
        size = min(rng.randint(*STAR_FILMS), largest)
        if size > slots - sum(careers):
            break
        careers.append(size)
    left = slots - sum(careers)
    while left > 0:
        size = min(bisect.bisect(table, rng.random() * total) + 1, left)
        careers.append(size)
        left -= size
    return careers


def _deal(rng, careers: list[int], wanted: list[int], width: float) -> list[list[int]]:
    """Deal people to the films of the timeline: film t gets wanted[t] distinct people,
    person p plays in careers[p] films within a window of `width` of the timeline.

    Each credit gets a place on the timeline near its person's career centre; sorting the
    places and dealing them in order gives each film the people whose careers are around
    its year. A person dealt twice to one film waits for the next film.
    """
    centres = [rng.random() for _ in careers]
    people = np.repeat(np.arange(len(careers), dtype=np.int64), careers)
    offsets = np.array([rng.random() - 0.5 for _ in range(len(people))]) * width
    places = np.repeat(np.array(centres), careers) + offsets
    places = np.abs(places)  # reflected at both ends, so the timeline stays evenly filled
    places = np.where(places > 1, 2 - places, places)
    dealt = people[np.argsort(places, kind="stable")].tolist()

    films, waiting, next_slot = [], [], 0
    for size in wanted:
        chosen, seen = [], set()
        still_waiting = []
        for person in waiting:
            if len(chosen) < size and person not in seen:
                chosen.append(person)
                seen.add(person)
            else:
                still_waiting.append(person)
        waiting = still_waiting
        while len(chosen) < size and next_slot < len(dealt):
            person = dealt[next_slot]
            next_slot += 1
            if person in seen:
                waiting.append(person)
            else:
                chosen.append(person)
                seen.add(person)
        films.append(chosen)
    return films


def _sample_distinct(rng, population, cum_weights, k: int) -> list:
    k = min(k, len(population))
    chosen = []
    while len(chosen) < k:
        item = population[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _choice(rng, population, cum_weights):
    return population[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]


# --- The catalog ----------------------------------------------------------------------


@dataclass
class _People:
    names: list[str]
    numbers: list[int]  # person index -> the number in its id, in a shuffled order

    def ref(self, index: int) -> dict:
        return {"id": PERSON_ID.format(self.numbers[index]), "name": self.names[index]}


class SyntheticCatalog:
    """Draws the whole catalog's structure up front, then yields its lines in id order."""

    def __init__(self, films: int, seed: int):
        if films < 1:
            raise ValueError("a catalog needs at least one film")
        self.films = films
        self.seed = seed
        rng = self.rng = random.Random(seed)
        self._vocabulary()

        # The timeline: film ids in order of year (ties at random). Careers are local on it.
        self.years = [self._year() for _ in range(films)]
        tiebreak = [rng.random() for _ in range(films)]
        timeline = sorted(range(films), key=lambda f: (self.years[f], tiebreak[f]))

        cast_sizes = rng.choices(CAST_SIZES, CAST_SIZE_WEIGHTS, k=films)
        director_counts = rng.choices(DIRECTOR_COUNTS, DIRECTOR_COUNT_WEIGHTS, k=films)
        writer_counts = rng.choices(WRITER_COUNTS, WRITER_COUNT_WEIGHTS, k=films)
        # Nobody's career is longer than a twentieth of a small catalog.
        largest = max(1, min(STAR_FILMS[1], films // 20))
        width = min(1.0, max(CAREER_WINDOW, 20 * largest / films))
        stars = films // FILMS_PER_STAR

        roles = {}
        for role, shape, counts, role_stars in (
            ("cast", ACTOR_CAREERS, cast_sizes, stars),
            ("directors", DIRECTOR_CAREERS, director_counts, 0),
            ("writers", WRITER_CAREERS, writer_counts, 0),
        ):
            wanted = [counts[f] for f in timeline]
            careers = _careers(rng, shape, sum(wanted), largest, role_stars)
            dealt = _deal(rng, careers, wanted, width)
            roles[role] = (len(careers), dealt)

        # People of all roles share one numbering, shuffled so that ids say nothing.
        total_people = sum(size for size, _ in roles.values())
        numbers = list(range(1, total_people + 1))
        rng.shuffle(numbers)
        self.people = _People(names=[self._person_name() for _ in numbers], numbers=numbers)
        self.credits = {}
        base = 0
        for role, (size, dealt) in roles.items():
            by_film = [None] * films
            for position, film in enumerate(timeline):
                by_film[film] = [base + p for p in dealt[position]]
            self.credits[role] = by_film
            base += size
        self.series = self._series(timeline)

    # Vocabularies, drawn first so that they do not depend on the catalog's size.
    def _vocabulary(self):
        rng = self.rng
        self.words = _distinct(rng, 20_000, lambda: _word(rng, 1, 3))
        self.word_weights = _cumulative(1 / (rank + 10) for rank in range(len(self.words)))
        self.first_names = _distinct(rng, 4000, lambda: _word(rng, 2, 2).capitalize())
        self.last_names = _distinct(rng, 30_000, lambda: _word(rng, 2, 3).capitalize())
        self.themes = _distinct(rng, THEME_VOCABULARY, lambda: _word(rng, 2, 3))
        self.theme_weights = _cumulative(
            1 / (rank + 1 + THEME_ZIPF_OFFSET) for rank in range(THEME_VOCABULARY)
        )
        self.genres = list(GENRES)
        self.genre_weights = _cumulative(GENRES.values())
        self.countries = [code for code, _, _ in COUNTRIES]
        self.country_weights = _cumulative(weight for _, weight, _ in COUNTRIES)
        self.languages = {code: languages for code, _, languages in COUNTRIES}
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        self.year_list = list(years)
        self.year_weights = _cumulative(math.exp((y - LAST_YEAR) * YEAR_GROWTH) for y in years)

    def _year(self) -> int:
        return _choice(self.rng, self.year_list, self.year_weights)

    def _person_name(self) -> str:
        rng = self.rng
        first = _choice(rng, self.first_names, _FIRST_NAME_WEIGHTS)
        return f"{first} {rng.choice(self.last_names)}"

    def _series(self, timeline: list[int]) -> dict[int, str]:
        """About SERIES_SHARE of films in series of 2 to 10 films, spread over years."""
        rng, films = self.rng, self.films
        series, wanted = {}, int(films * SERIES_SHARE)
        names = set()
        while len(series) < wanted and films >= 2:
            size = min(2 + int(rng.expovariate(1 / 2.5)), 10)
            start = rng.randrange(films)
            step = max(1, int(films * rng.uniform(0.001, 0.01)))
            members = [timeline[start + i * step] for i in range(size) if start + i * step < films]
            members = [f for f in members if f not in series]
            if len(members) < 2:
                continue
            name = self._title(2, 3)
            while name.casefold() in names:
                name = self._title(2, 4)
            names.add(name.casefold())
            for film in members:
                series[film] = name
        return series

    def _title(self, low=1, high=4) -> str:
        rng = self.rng
        count = rng.randint(low, high)
        words = rng.choices(self.words, cum_weights=self.word_weights, k=count)
        return " ".join(word.capitalize() for word in words)

    def _synopsis(self) -> str:
        rng = self.rng
        length = max(15, min(250, int(rng.lognormvariate(math.log(55), 0.5))))
        words = rng.choices(self.words, cum_weights=self.word_weights, k=length)
        sentences, start = [], 0
        while start < length:
            end = min(length, start + rng.randint(6, 18))
            sentence = " ".join(words[start:end])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            start = end
        return " ".join(sentences)

    def _release_date(self, year: int) -> str | None:
        rng = self.rng
        kind = rng.random()
        if kind < 0.05:
            return None
        if kind < 0.15:
            return f"{year}"
        month = rng.randint(1, 12)
        if kind < 0.30:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"

    def _countries_and_languages(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        countries = [_choice(rng, self.countries, self.country_weights)]
        if rng.random() < CO_PRODUCTION:
            extra = _sample_distinct(rng, self.countries, self.country_weights, rng.randint(2, 3))
            countries += [c for c in extra if c not in countries][:2]
        languages = [rng.choice(self.languages[countries[0]])]
        if rng.random() < SECOND_LANGUAGE:
            second = rng.choice(self.languages[rng.choice(countries)] + ["en"])
            if second not in languages:
                languages.append(second)
        return countries, languages

    def _rating(self) -> dict | None:
        rng = self.rng
        if rng.random() < 0.1:
            return None
        average = round(min(5.0, max(0.5, rng.gauss(3.2, 0.55))), 1)
        count = min(2_000_000, int(rng.lognormvariate(3.5, 1.7)))
        return {"average": average, "count": count}

    def lines(self) -> Iterator[dict]:
        rng, people = self.rng, self.people
        for film in range(self.films):
            year = self.years[film]
            title = self._title()
            original_title = title if rng.random() < 0.8 else self._title()
            countries, languages = self._countries_and_languages()
            genre_count = _choice_n(rng, GENRE_COUNTS, GENRE_COUNT_WEIGHTS)
            genres = _sample_distinct(rng, self.genres, self.genre_weights, genre_count)
            themes = _sample_distinct(
                rng,
                self.themes,
                self.theme_weights,
                _choice_n(rng, THEME_COUNTS, THEME_COUNT_WEIGHTS),
            )
            directors = [people.ref(p) for p in self.credits["directors"][film]]
            writers = [people.ref(p) for p in self.credits["writers"][film]]
            if directors and rng.random() < DIRECTOR_WRITES:
                # As catalogs often do, a bare name the line also gives with an id.
                writers.insert(0, directors[0]["name"])
            cast = []
            for person in self.credits["cast"][film]:
                member = people.ref(person)
                if rng.random() < 0.75:
                    member["character"] = rng.choice(self.first_names)
                cast.append(member)
            line = {
                "id": FILM_ID.format(film + 1),
                "title": title,
                "original_title": original_title,
                "year": year,
                "release_date": self._release_date(year),
                "runtime": self._runtime(),
                "countries": countries,
                "languages": languages,
                "genres": genres,
                "themes": themes,
                "series": self.series.get(film),
                "directors": directors,
                "writers": writers,
                "cast": cast,
            }
            if rng.random() < 0.85:
                line["synopsis"] = self._synopsis()
                line["synopsis_source"] = SYNOPSIS_SOURCE
            line["rating"] = self._rating()
            line["source"] = SOURCE
            yield {key: value for key, value in line.items() if value is not None}

    def _runtime(self) -> int | None:
        rng = self.rng
        kind = rng.random()
        if kind < 0.04:
            return None
        if kind < 0.06:
            return rng.randint(5, 40)  # short films
        return min(240, max(45, int(rng.gauss(102, 20))))


def _choice_n(rng, values, weights) -> int:
    return rng.choices(values, weights)[0]


def _distinct(rng, count: int, make: Callable[[], str]) -> list[str]:
    seen, items = set(), []
    while len(items) < count:
        item = make()
        if item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


# First names are far less varied than last names.
_FIRST_NAME_WEIGHTS = _cumulative(1 / (rank + 20) for rank in range(4000))


def write_catalog(
    path: Path | str,
    *,
    films: int,
    seed: int,
    on_progress: Callable[[int], None] = lambda done: None,
    gzipped: bool | None = None,
) -> int:
    """Write the catalog to `path`, gzipped when it ends in .gz (or `gzipped` says so);
    returns the number of films."""
    catalog = SyntheticCatalog(films, seed)
    path = Path(path)
    if gzipped is None:
        gzipped = path.suffix == ".gz"
    with path.open("wb") as raw:
        if gzipped:
            # No name and no time in the header: the same seed gives the same bytes.
            out = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        else:
            out = raw
        with out:
            buffer, done = [], 0
            for line in catalog.lines():
                buffer.append(json.dumps(line, ensure_ascii=False))
                if len(buffer) == 1000:
                    out.write(("\n".join(buffer) + "\n").encode())
                    done += len(buffer)
                    on_progress(len(buffer))
                    buffer = []
            if buffer:
                out.write(("\n".join(buffer) + "\n").encode())
                done += len(buffer)
                on_progress(len(buffer))
    return done
