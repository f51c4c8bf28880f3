"""fetch_wikidata against a local server that answers as Wikidata does (Special:EntityData
and wbgetentities), from the fixture entities; never the internet."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command

from tests.wikidata.conftest import entity_lines, read_catalog, write_json_lines
from wikidata import fetching

ENTITIES = {entity["id"]: entity for entity in map(json.loads, entity_lines())}
# Items merged into others, as Wikidata keeps them: Q900000010 is a film merged into
# Q900000001.
REDIRECTS = {"Q900000010": "Q900000001", "Q900000108": "Q900000109", "Q900000110": "Q900000111"}
ENTITY_DATA = "/wiki/Special:EntityData/"


class Wikidata(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[float, str, str]] = []  # (time, path, User-Agent)
        self.refuse_next = 0  # answer so many requests 429 first

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Wikidata

    def do_GET(self):
        self.server.requests.append(
            (time.monotonic(), self.path, self.headers.get("User-Agent", ""))
        )
        if self.server.refuse_next:
            self.server.refuse_next -= 1
            self._answer(429, {"error": "too many requests"}, {"Retry-After": "0"})
            return
        url = urlparse(self.path)
        if url.path.startswith(ENTITY_DATA) and url.path.endswith(".json"):
            asked = url.path[len(ENTITY_DATA) : -len(".json")]
            if asked in REDIRECTS:  # Wikidata sends the client to the target's data
                target = f"{ENTITY_DATA}{REDIRECTS[asked]}.json"
                self._answer(303, {}, {"Location": target})
            elif asked in ENTITIES:
                self._answer(200, {"entities": {asked: ENTITIES[asked]}})
            else:
                self._answer(404, {"error": "no such entity"})
        elif url.path == "/w/api.php":
            query = parse_qs(url.query)
            assert query["action"] == ["wbgetentities"] and query["format"] == ["json"]
            found = {}
            for asked in query["ids"][0].split("|"):
                target = REDIRECTS.get(asked, asked)
                if target in ENTITIES:
                    entity = dict(ENTITIES[target])
                    if target != asked:
                        entity["redirects"] = {"from": asked, "to": target}
                    found[asked] = entity
                else:
                    found[asked] = {"id": asked, "missing": ""}
            self._answer(200, {"entities": found, "success": 1})
        else:
            self._answer(404, {})

    def _answer(self, status, data, headers=None):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def wikidata():
    server = Wikidata()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetch(wikidata, tmp_path):
    def run(*ids, delay="0", contact="tests@example.org", out: Path | None = None):
        out = out or tmp_path / "fetched.jsonl"
        stdout, stderr = io.StringIO(), io.StringIO()
        options = ["--delay", delay, "--api-url", f"{wikidata.base}/w/api.php"]
        options += ["--entity-data-url", f"{wikidata.base}{ENTITY_DATA}", "-o", str(out)]
        if contact:
            options += ["--contact", contact]
        call_command("fetch_wikidata", *ids, *options, stdout=stdout, stderr=stderr)
        return read_catalog(out), stdout.getvalue() + stderr.getvalue()

    return run


def test_fetched_films_are_the_lines_a_dump_gives(fetch, convert, tmp_path):
    films, report = fetch("Q900000001", "Q900000006")

    dump = convert(write_json_lines(tmp_path / "entities.jsonl", entity_lines()))
    assert films == [dump.by_id["wikidata:Q900000001"], dump.by_id["wikidata:Q900000006"]]
    assert "Fetched 2 of 2 films in 3 requests." in report
    assert "1 cast members not found in the input" in report  # Q900000107


def test_it_says_who_asks(fetch, wikidata):
    fetch("Q900000002")
    agents = {agent for _, _, agent in wikidata.requests}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("filmsite/") and "(tests@example.org)" in agent


def test_requests_are_spaced_by_the_delay(wikidata):
    # On a clock of the test's: the waits the client asks for, not the server's times,
    # which a busy machine blurs.
    now, waits = [100.0], []

    def sleep(seconds):
        waits.append(round(seconds, 6))
        now[0] += seconds

    client = fetching.Client(agent="test", delay=1.0, sleep=sleep, clock=lambda: now[0])
    for identifier in ("Q900000001", "Q900000002", "Q900000003"):
        client.get_json(f"{wikidata.base}{ENTITY_DATA}{identifier}.json")
        now[0] += 0.25  # each answer takes a quarter of a second

    assert waits == [0.75, 0.75]
    assert len(wikidata.requests) == 3


def test_references_are_asked_for_fifty_at_a_time(fetch, wikidata, monkeypatch):
    first, _ = fetch("Q900000001")
    monkeypatch.setattr(fetching, "IDS_PER_REQUEST", 5)
    wikidata.requests.clear()

    again, _ = fetch("Q900000001")

    assert again == first
    asked = [parse_qs(urlparse(path).query)["ids"][0] for _, path, _ in wikidata.requests[1:]]
    assert all(len(ids.split("|")) <= 5 for ids in asked)
    # 22 ids: directors, writers, cast, characters, genres, themes, series, countries...
    assert len(asked) == 5


def test_an_item_merged_into_a_film_gives_that_film(fetch):
    films, report = fetch("Q900000010")
    assert [film["id"] for film in films] == ["wikidata:Q900000001"]
    assert "Q900000010 is now Q900000001" in report


def test_what_is_not_a_film_or_not_found_is_left_out_and_told(fetch):
    films, report = fetch("Q900000005", "Q42424242", "Q900000008")
    assert [film["id"] for film in films] == ["wikidata:Q900000008"]
    assert "Q900000005: not an instance of a film class" in report
    assert "Q42424242: not found" in report
    assert "Fetched 1 of 3 films" in report


def test_a_refusal_is_tried_again_after_the_wait_it_gives(fetch, wikidata):
    wikidata.refuse_next = 1
    films, _ = fetch("Q900000002")
    assert [film["id"] for film in films] == ["wikidata:Q900000002"]
    assert wikidata.requests[0][1] == wikidata.requests[1][1]  # the same request, twice


def test_it_will_not_fetch_without_a_contact(fetch, monkeypatch):
    monkeypatch.delenv("WIKIDATA_CONTACT", raising=False)
    with pytest.raises(CommandError, match="--contact or the WIKIDATA_CONTACT variable"):
        fetch("Q900000001", contact=None)


def test_a_server_error_stops_and_writes_nothing(fetch, wikidata, tmp_path):
    out = tmp_path / "fetched.jsonl"
    out.write_text("before\n")
    wikidata.refuse_next = 10  # more than the tries
    with pytest.raises(CommandError, match="HTTP 429.*Nothing was written"):
        fetch("Q900000001", out=out)
    assert out.read_text() == "before\n"


def test_the_catalog_can_go_to_standard_output(wikidata):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "fetch_wikidata",
        "Q900000002",
        "--contact=tests@example.org",
        "--delay=0",
        f"--entity-data-url={wikidata.base}{ENTITY_DATA}",
        f"--api-url={wikidata.base}/w/api.php",
        stdout=stdout,
        stderr=stderr,
    )
    assert [json.loads(line)["title"] for line in stdout.getvalue().splitlines()] == [
        "Nur ein Jahr"
    ]
    assert "Fetched 1 of 1 films" in stderr.getvalue()
