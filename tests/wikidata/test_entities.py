"""Reading one entity's statements: ranks, dates to their precision, units, genre names."""

import pytest

from wikidata import entities as wd
from wikidata.conversion import genre_name


def _time(value: str, precision: int) -> dict:
    return {"snaktype": "value", "datavalue": {"value": {"time": value, "precision": precision}}}


def _statement(rank: str | None, text: str) -> dict:
    statement = {"mainsnak": {"snaktype": "value", "datavalue": {"value": text}}}
    if rank:
        statement["rank"] = rank
    return statement


def test_the_best_rank_is_preferred_else_normal_never_deprecated():
    entity = {"claims": {"P1": [_statement("deprecated", "a"), _statement(None, "b")]}}
    assert [wd.text(s["mainsnak"]) for s in wd.best_statements(entity, "P1")] == ["b"]
    entity["claims"]["P1"].append(_statement("preferred", "c"))
    assert [wd.text(s["mainsnak"]) for s in wd.best_statements(entity, "P1")] == ["c"]
    assert [wd.text(s["mainsnak"]) for s in wd.statements(entity, "P1")] == ["b", "c"]


@pytest.mark.parametrize(
    "value, precision, expected",
    [
        ("+1995-10-27T00:00:00Z", 11, "1995-10-27"),
        ("+1995-10-27T00:00:00Z", 10, "1995-10"),
        ("+1995-10-27T00:00:00Z", 9, "1995"),
        ("+1995-00-00T00:00:00Z", 11, "1995"),  # a precision its digits do not have
        ("+00000001995-02-29T00:00:00Z", 11, "1995-02"),  # no such day
        ("+1990-01-01T00:00:00Z", 8, None),  # a decade
        ("-0044-03-15T00:00:00Z", 11, None),  # before the common era
    ],
)
def test_a_date_keeps_its_precision(value, precision, expected):
    found = wd.partial_date(_time(value, precision))
    assert (str(found) if found else None) == expected


def test_the_earliest_date_prefers_a_precise_date_within_a_vague_one():
    dates = [wd.PartialDate(1995), wd.PartialDate(1995, 10, 27), wd.PartialDate(1996, 1, 5)]
    assert wd.earliest(dates) == wd.PartialDate(1995, 10, 27)
    assert wd.earliest([wd.PartialDate(1995, 5), wd.PartialDate(1995, 10, 27)]) == wd.PartialDate(
        1995, 5
    )
    assert wd.earliest([wd.PartialDate(1994), wd.PartialDate(1995, 1, 1)]) == wd.PartialDate(1994)
    assert wd.earliest([]) is None


@pytest.mark.parametrize(
    "amount, unit, minutes",
    [
        ("+112", "Q7727", 112),
        ("+1.75", "Q25235", 105),
        ("+5430", "Q11574", 91),  # 90.5 minutes, rounded half up
        ("+112", "Q11573", None),  # a metre
        ("+112", "1", None),
    ],
)
def test_durations_become_minutes(amount, unit, minutes):
    unit = unit if unit == "1" else f"http://www.wikidata.org/entity/{unit}"
    snak = {"snaktype": "value", "datavalue": {"value": {"amount": amount, "unit": unit}}}
    assert wd.minutes(snak) == minutes


@pytest.mark.parametrize(
    "label, name",
    [
        ("drama film", "Drama"),
        ("science fiction film", "Science fiction"),
        ("film noir", "Film noir"),
        ("film", "Film"),
        ("LGBT-related film", "LGBT-related"),
        ("film dramatique", "Film dramatique"),
    ],
)
def test_genre_names_lose_a_trailing_film_and_start_with_a_capital(label, name):
    assert genre_name(label) == name


def test_an_unknown_or_absent_value_is_no_value():
    assert wd.item_id({"snaktype": "somevalue"}) is None
    assert wd.item_id({"snaktype": "novalue"}) is None
    assert wd.item_id(None) is None
