"""Sentences generated from the data: grammatical whatever is missing, never "None".

`film_summary` opens the film page, `similar_counts` opens its similar films, and
`reasons` says why a film was suggested.
"""

from django.utils import formats
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from films.catalog.codes import FRENCH_GENRE_NAMES

# The adjective a genre takes before "film"; unknown genres are used as they are.
GENRE_ADJECTIVES = {
    "Action": "action",
    "Adventure": "adventure",
    "Animation": "animated",
    "Biography": "biographical",
    "Comedy": "comedy",
    "Crime": "crime",
    "Documentary": "documentary",
    "Drama": "drama",
    "Family": "family",
    "Fantasy": "fantasy",
    "History": "historical",
    "Horror": "horror",
    "Music": "music",
    "Musical": "musical",
    "Mystery": "mystery",
    "Romance": "romantic",
    "Sci-Fi": "science fiction",
    "Science Fiction": "science fiction",
    "Sport": "sports",
    "Thriller": "thriller",
    "War": "war",
    "Western": "western",
}
# Which genre names the kind of film ("romantic drama", not "drama romantic"): the first
# of these that a film has comes last; one other genre qualifies it.
HEAD_GENRES = ["Drama", "Comedy", "Thriller", "Horror", "Western", "Musical", "Documentary"]

DEMONYMS = {
    "AR": "Argentine", "AT": "Austrian", "AU": "Australian", "BE": "Belgian",
    "BR": "Brazilian", "CA": "Canadian", "CH": "Swiss", "CL": "Chilean", "CN": "Chinese",
    "CO": "Colombian", "CSHH": "Czechoslovak", "CU": "Cuban", "CZ": "Czech", "DE": "German",
    "DK": "Danish", "EG": "Egyptian", "ES": "Spanish", "FI": "Finnish", "FR": "French",
    "GB": "British", "GR": "Greek", "HK": "Hong Kong", "HU": "Hungarian", "ID": "Indonesian",
    "IE": "Irish", "IL": "Israeli", "IN": "Indian", "IR": "Iranian", "IS": "Icelandic",
    "IT": "Italian", "JP": "Japanese", "KR": "South Korean", "LU": "Luxembourgish",
    "MX": "Mexican", "NL": "Dutch", "NO": "Norwegian", "NZ": "New Zealand", "PE": "Peruvian",
    "PH": "Filipino", "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "RS": "Serbian",
    "RU": "Russian", "SE": "Swedish", "SUHH": "Soviet", "TH": "Thai", "TR": "Turkish",
    "TW": "Taiwanese", "UA": "Ukrainian", "US": "American", "YUCS": "Yugoslav",
    "ZA": "South African", "DDDE": "East German", "BG": "Bulgarian", "HR": "Croatian",
    "SK": "Slovak", "SI": "Slovenian", "EE": "Estonian", "LV": "Latvian", "LT": "Lithuanian",
    "GE": "Georgian", "KZ": "Kazakh", "MA": "Moroccan", "SN": "Senegalese", "TN": "Tunisian",
    "DZ": "Algerian", "LB": "Lebanese", "VN": "Vietnamese", "SG": "Singaporean",
    "VE": "Venezuelan", "UY": "Uruguayan", "MT": "Maltese",
}  # fmt: skip


def join_names(names: list[str], most: int | None = None) -> str:
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B and C"; with most=2, "A, B and 1 more"."""
    names = [str(n) for n in names]
    if most is not None and len(names) > most:
        rest = len(names) - most
        names = names[:most] + [
            ngettext("%(count)d more", "%(count)d more", rest) % {"count": rest}
        ]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def indefinite_article(phrase: str) -> str:
    """ "a" or "an" for the sound that starts the phrase ("an American", "an 1895 film")."""
    word = phrase.split(" ", 1)[0]
    if word[:1].isdigit():
        # Said aloud: "an eighteen ninety-five", "an eight...", "an eleven..."
        return "an" if word.startswith(("8", "18", "11")) and len(word) in (1, 4) else "a"
    if word.lower().startswith("uzbek"):
        return "an"
    return "an" if word[:1].lower() in "aeio" else "a"


def genre_phrase(genres: list[str]) -> str:
    """["Romance", "Drama"] -> "romantic drama"."""
    if not genres:
        return ""
    head = next((g for g in HEAD_GENRES if g in genres), genres[0])
    modifier = next((g for g in genres if g != head), None)
    words = [GENRE_ADJECTIVES.get(g, g.lower()) for g in ([modifier] if modifier else [])]
    if {head, modifier} == {"Drama", "Comedy"}:
        return "comedy-drama"
    return " ".join(words + [GENRE_ADJECTIVES.get(head, head.lower())])


def nationality(countries: list) -> tuple[str, str]:
    """(adjective before "film", phrase after it): ("French-American", "") when every
    country has a known adjective, else ("", "from Ruritania and France")."""
    if not countries:
        return "", ""
    adjectives = [DEMONYMS.get(c.code) for c in countries]
    if len(countries) <= 2 and all(adjectives):
        return "-".join(adjectives), ""
    return "", _("from %(countries)s") % {"countries": join_names([c.name for c in countries])}


def release_phrase(film) -> str:
    if not film.release_date or film.release_date_precision == "year":
        return ""
    if film.release_date_precision == "month":
        return _("released in %(date)s") % {"date": formats.date_format(film.release_date, "F Y")}
    return _("released on %(date)s") % {"date": formats.date_format(film.release_date, "j F Y")}


def film_summary(film) -> str:
    """The film's one-sentence summary in the visitor's language."""
    if (get_language() or "en").startswith("fr"):
        return _film_summary_fr(film)
    return _film_summary_en(film)


def _film_summary_en(film) -> str:
    """ "Leaving Las Vegas is a 1995 American romantic drama film directed by Mike Figgis,
    released on 27 October 1995, starring Nicolas Cage and Elisabeth Shue."

    Reads the film's genres, countries and credits (films.catalog.relations).
    """
    adjective, origin = nationality(list(film.all_countries))
    words = [str(film.year) if film.year else "", adjective]
    words += [genre_phrase([g.name for g in film.all_genres]), "film"]
    kind = " ".join(w for w in words if w)
    if origin:
        kind = f"{kind} {origin}"
    sentence = f"{film.title} is {indefinite_article(kind)} {kind}"
    if film.directors:
        sentence += " " + _("directed by %(names)s") % {"names": join_names(film.directors)}
    extras = [release_phrase(film)]
    # Without billing order, the first names are not the stars: say nothing rather
    # than something false.
    if film.cast_in_billing_order and film.cast:
        leads = [credit.person.name for credit in film.cast[:2]]
        extras.append(_("starring %(names)s") % {"names": join_names(leads)})
    for extra in filter(None, extras):
        sentence += ", " + extra
    return sentence + "."


def similar_counts(film, record) -> str:
    """The sentence of exact counts that opens the similar films."""
    title = film.local_title
    sentences = []
    if film.cast:
        sentences.append(
            ngettext(
                "%(count)s other film shares an actor with %(title)s",
                "%(count)s other films share an actor with %(title)s",
                record.actors_count,
            )
            % {"count": _number(record.actors_count), "title": title}
        )
    else:
        sentences.append(_("The cast of %(title)s is not known yet") % {"title": title})
    directors = film.directors
    if directors:
        values = {"count": _number(record.directors_count)}
        if not film.cast:
            # A sentence of its own: "and 3 share its director" would have no subject.
            sentences[-1] += (
                ". "
                + ngettext(
                    "%(count)s other film shares its director",
                    "%(count)s other films share its director",
                    record.directors_count,
                )
                % values
                if len(directors) == 1
                else ". "
                + ngettext(
                    "%(count)s other film shares one of its directors",
                    "%(count)s other films share one of its directors",
                    record.directors_count,
                )
                % values
            )
        else:
            sentences[-1] += (
                _(", and ")
                + (
                    ngettext(
                        "%(count)s shares its director",
                        "%(count)s share its director",
                        record.directors_count,
                    )
                    if len(directors) == 1
                    else ngettext(
                        "%(count)s shares one of its directors",
                        "%(count)s share one of its directors",
                        record.directors_count,
                    )
                )
                % values
            )
    sentences[-1] += "."

    genres = _set_sentence(
        names=[str(g) for g in film.all_genres],
        sharing=record.genres_count,
        same=record.same_genres_count,
        one=lambda n: ngettext(
            "%(count)s film shares its genre, %(names)s",
            "%(count)s films share its genre, %(names)s",
            n,
        ),
        several=lambda n: ngettext(
            "%(count)s film shares at least one of its genres",
            "%(count)s films share at least one of its genres",
            n,
        ),
        only=lambda n: ngettext(
            "%(count)s of them has no other genre.",
            "%(count)s of them have no other genre.",
            n,
        ),
        exactly=lambda n: ngettext(
            "%(count)s of them has exactly its %(n)s genres, %(names)s.",
            "%(count)s of them have exactly its %(n)s genres, %(names)s.",
            n,
        ),
    )
    themes = _set_sentence(
        names=[t.name for t in film.all_themes],
        sharing=record.themes_count,
        same=record.same_themes_count,
        one=lambda n: ngettext(
            "%(count)s film shares its theme, %(names)s",
            "%(count)s films share its theme, %(names)s",
            n,
        ),
        several=lambda n: ngettext(
            "%(count)s film shares at least one of its themes",
            "%(count)s films share at least one of its themes",
            n,
        ),
        only=lambda n: ngettext(
            "%(count)s of them has no other theme.",
            "%(count)s of them have no other theme.",
            n,
        ),
        exactly=lambda n: ngettext(
            "%(count)s of them has exactly its %(n)s themes, %(names)s.",
            "%(count)s of them have exactly its %(n)s themes, %(names)s.",
            n,
        ),
    )
    sentences += [sentence for sentence in (genres, themes) if sentence]
    suggestions = record.suggestions_count
    if suggestions:
        # Not "together": the films counted above overlap, and only the closest are kept.
        sentences.append(
            ngettext(
                "The film that shares most with it is suggested.",
                "The %(count)s films that share most with it are suggested.",
                suggestions,
            )
            % {"count": _number(suggestions)}
        )
    else:
        sentences.append(_("None of them is close enough to be suggested."))
    return " ".join(sentences)


def _set_sentence(*, names, sharing, same, one, several, only, exactly) -> str:
    """What the films share of the film's genres (or themes): nothing to say when it has
    none, and nothing about exact matches when there are none."""
    if not names:
        return ""
    values = {"count": _number(sharing), "names": join_names(names), "n": len(names)}
    first = (one if len(names) == 1 else several)(sharing) % values
    if not sharing or not same:
        return first + "."
    values["count"] = _number(same)
    second = (only if len(names) == 1 else exactly)(same) % values
    # French puts a narrow no-break space before the semicolon.
    return pgettext("two clauses of a sentence", "%(first)s; %(second)s") % {
        "first": first,
        "second": second,
    }


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


# Exactly the film's genres (or themes), said apart from some of them in common.
def SAME_GENRES(n):
    return ngettext("Only its genre: %(names)s", "Exactly its genres: %(names)s", n)


def SAME_THEMES(n):
    return ngettext("Only its theme: %(names)s", "Exactly its themes: %(names)s", n)


def SHARED_GENRES(n):
    return ngettext("Genre in common: %(names)s", "Genres in common: %(names)s", n)


def SHARED_THEMES(n):
    return ngettext("Theme in common: %(names)s", "Themes in common: %(names)s", n)


class ReasonPhrases:
    """Why films were suggested for `film`, as short phrases ("Same director: Mike Figgis"):
    `ReasonPhrases(film)(suggestion.reasons)`, made once for all the suggestions of a page.

    Names come from `film`'s own credits, genres and themes (its page's relations, see
    films.catalog.relations): everything the two films share is, by definition, on this film too.
    """

    # A reason names this many people at most, the film's leads first; the others are
    # counted ("and 12 more"): The Godfather shares sixteen actors with its sequel.
    MOST_PEOPLE_NAMED = 4

    def __init__(self, film):
        self.series = film.series
        self.people = {credit.person.id: credit.person.name for credit in film.all_credits}
        # The film's cast order: billing order, or its best-known actors first.
        self.cast_order = {credit.person.id: n for n, credit in enumerate(film.cast)}
        # In the order of the film's details, which the phrases keep.
        self.genres = {g.id: str(g) for g in film.all_genres}
        self.themes = {t.id: t.name for t in film.all_themes}
        self.people_labels = (
            ("directors", _("Same director: %(names)s"), _("Same directors: %(names)s")),
            ("writers", _("Same writer: %(names)s"), _("Same writers: %(names)s")),
            ("actors", _("Shared actor: %(names)s"), _("Shared actors: %(names)s")),
        )

    def __call__(self, suggestion_reasons: dict) -> list[str]:
        people, phrases = self.people, []
        if suggestion_reasons.get("series"):
            phrases.append(_("Same series: %(name)s") % {"name": self.series})
        elif suggestion_reasons.get("inferred_series"):
            # Read from the titles (recommendations.franchises): said as such.
            phrases.append(
                _("Same series, going by the titles: %(name)s")
                % {"name": suggestion_reasons["inferred_series"]}
            )
        named_already = set()
        for key, one, many in self.people_labels:
            # Mike Figgis, who directed, wrote and appears in both films, is named once.
            ids = [i for i in suggestion_reasons.get(key, []) if i in people]
            if key != "directors":
                ids = [i for i in ids if i not in named_already]
            if key == "actors":
                ids.sort(key=lambda i: self.cast_order.get(i, len(self.cast_order)))
            named_already.update(ids)
            if ids:
                template = one if len(ids) == 1 else many
                names = join_names([people[i] for i in ids], most=self.MOST_PEOPLE_NAMED)
                phrases.append(template % {"names": names})
        for key, names, same_label, shared_label in (
            ("genres", self.genres, SAME_GENRES, SHARED_GENRES),
            ("themes", self.themes, SAME_THEMES, SHARED_THEMES),
        ):
            shared = set(suggestion_reasons.get(key, []))
            ids = [i for i in names if i in shared]
            if not ids:
                continue
            values = {"count": len(ids), "names": join_names([names[i] for i in ids])}
            if suggestion_reasons.get(f"same_{key}"):
                phrases.append(same_label(len(ids)) % values)
            else:
                phrases.append(shared_label(len(ids)) % values)
        return phrases


def reasons(film, suggestion_reasons: dict) -> list[str]:
    """The phrases of one suggestion (ReasonPhrases for those of a page)."""
    return ReasonPhrases(film)(suggestion_reasons)


# French adjectives agree with "film" (masculine singular); prefixes make compounds such as
# "franco-américain".
FRENCH_DEMONYMS = {
    "AR": "argentin", "AT": "autrichien", "AU": "australien", "BE": "belge", "BR": "brésilien",
    "CA": "canadien", "CH": "suisse", "CN": "chinois", "CSHH": "tchécoslovaque", "CZ": "tchèque",
    "DE": "allemand", "DK": "danois", "ES": "espagnol", "FI": "finlandais", "FR": "français",
    "GB": "britannique", "GR": "grec", "HK": "hongkongais", "HU": "hongrois", "IE": "irlandais",
    "IL": "israélien", "IN": "indien", "IR": "iranien", "IT": "italien", "JP": "japonais",
    "KR": "sud-coréen", "MX": "mexicain", "NL": "néerlandais", "NO": "norvégien",
    "NZ": "néo-zélandais", "PL": "polonais", "PT": "portugais", "RO": "roumain", "RU": "russe",
    "SE": "suédois", "SUHH": "soviétique", "TR": "turc", "TW": "taïwanais", "US": "américain",
    "YUCS": "yougoslave", "ZA": "sud-africain", "LU": "luxembourgeois", "IS": "islandais",
}  # fmt: skip
FRENCH_PREFIXES = {
    "FR": "franco", "DE": "germano", "IT": "italo", "ES": "hispano", "GB": "britanno",
    "US": "américano", "JP": "nippo", "CN": "sino", "RU": "russo", "BE": "belgo",
    "CA": "canado", "PT": "luso", "AT": "austro", "GR": "gréco", "IN": "indo",
}  # fmt: skip


def _french_nationality(countries) -> tuple[str, str]:
    """("franco-américain", "") or ("", "(France, Allemagne, Italie)")."""
    codes = [c.code for c in countries]
    if len(codes) == 1 and codes[0] in FRENCH_DEMONYMS:
        return FRENCH_DEMONYMS[codes[0]], ""
    if len(codes) == 2 and all(code in FRENCH_DEMONYMS for code in codes):
        first, second = codes
        if first in FRENCH_PREFIXES:
            return f"{FRENCH_PREFIXES[first]}-{FRENCH_DEMONYMS[second]}", ""
        if second in FRENCH_PREFIXES:
            return f"{FRENCH_PREFIXES[second]}-{FRENCH_DEMONYMS[first]}", ""
    if not countries:
        return "", ""
    return "", "(" + ", ".join(str(c) for c in countries) + ")"


def _french_date(film) -> str:
    date = film.release_date
    if not date or film.release_date_precision == "year":
        return ""
    if film.release_date_precision == "month":
        return "sorti en " + formats.date_format(date, "F Y")
    day = "1er" if date.day == 1 else str(date.day)
    return f"sorti le {day} " + formats.date_format(date, "F Y")


def _in_a_french_sentence(genre) -> str:
    """A genre the site knows in French in lower case ("drame"); any other as it is named."""
    name = str(genre)
    return name[:1].lower() + name[1:] if genre.name.lower() in FRENCH_GENRE_NAMES else name


def _film_summary_fr(film) -> str:
    """ "Leaving Las Vegas est un film américain de 1995, de genres drame et romance,
    réalisé par Mike Figgis, sorti le 27 octobre 1995, avec Nicolas Cage et Elisabeth Shue."

    Genres in French where the site knows their French name, in lower case as in a French
    sentence; the others as the catalog gives them."""
    adjective, origin = _french_nationality(list(film.all_countries))
    words = ["un film", adjective, f"de {film.year}" if film.year else "", origin]
    sentence = f"{film.local_title} est " + " ".join(w for w in words if w)
    genres = [_in_a_french_sentence(g) for g in film.all_genres]
    if genres:
        label = "de genre" if len(genres) == 1 else "de genres"
        sentence += f", {label} {join_names(genres)}"
    parts = []
    if film.directors:
        parts.append("réalisé par " + join_names(film.directors))
    parts.append(_french_date(film))
    if film.cast_in_billing_order and film.cast:
        parts.append("avec " + join_names([c.person.name for c in film.cast[:2]]))
    for part in filter(None, parts):
        sentence += ", " + part
    return sentence + "."
