"""A few films fetched from Wikidata itself, for a curator who adds a film by its id: each
item from Special:EntityData (the entity format of the dumps), then what it refers to with
the API's wbgetentities, 50 ids a request; one request at a time, at a polite pace, saying
who asks (https://meta.wikimedia.org/wiki/User-Agent_policy)."""

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from importlib import metadata

from wikidata import entities as wd
from wikidata.conversion import (
    Reference,
    Resolver,
    Summary,
    catalog_line,
    film_draft,
    needs,
    number_of,
    reference,
)

ENTITY_DATA_URL = "https://www.wikidata.org/wiki/Special:EntityData/"
API_URL = "https://www.wikidata.org/w/api.php"
IDS_PER_REQUEST = 50  # the most wbgetentities takes from a client without a bot's rights
MAX_RETRY_WAIT = 60.0  # seconds: a longer Retry-After stops the fetch instead


class FetchError(Exception):
    pass


class NotFound(FetchError):
    pass


def user_agent(contact: str) -> str:
    try:
        version = metadata.version("filmsite")
    except metadata.PackageNotFoundError:
        version = "dev"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"filmsite/{version} ({contact}) Python-urllib/{python}"


class Client:
    """GETs of JSON, one at a time, at least `delay` seconds apart; a request answered 429
    or 503 is tried again (up to `retries` times) after the Retry-After it was given."""

    def __init__(
        self,
        *,
        agent: str,
        delay: float = 1.0,
        timeout: float = 30.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.agent = agent
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self.last_request: float | None = None

    def get_json(self, url: str) -> dict:
        for attempt in range(self.retries + 1):
            self._wait_turn()
            request = urllib.request.Request(
                url, headers={"User-Agent": self.agent, "Accept": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                wait = _retry_after(error)
                if error.code in (429, 503) and attempt < self.retries and wait is not None:
                    self.sleep(wait)
                    continue
                if error.code == 404:
                    raise NotFound(url) from None
                raise FetchError(f"{url}: HTTP {error.code} {error.reason}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                raise FetchError(f"{url}: {getattr(error, 'reason', error)}") from None
            try:
                data = json.loads(body)
            except ValueError:
                raise FetchError(f"{url}: the answer is not JSON") from None
            if not isinstance(data, dict):
                raise FetchError(f"{url}: the answer is not a JSON object")
            return data
        raise FetchError(f"{url}: still refused after {self.retries} tries")

    def _wait_turn(self) -> None:
        now = self.clock()
        if self.last_request is not None and now - self.last_request < self.delay:
            self.sleep(self.delay - (now - self.last_request))
        self.last_request = self.clock()
        self.requests += 1


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After", "5") if error.headers else "5"
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_WAIT else None


def fetch_films(
    ids: Iterable[str],
    client: Client,
    *,
    entity_data_url: str = ENTITY_DATA_URL,
    api_url: str = API_URL,
    film_classes: Iterable[str] = wd.FILM_CLASSES,
    on_note: Callable[[str], None] = lambda note: None,
) -> tuple[list[dict], Summary]:
    """The catalog lines of the films `ids` ("Q132910"), in the order asked; what is not a
    film, or not found, is left out and told through `on_note`."""
    summary = Summary()
    classes = frozenset(film_classes)
    drafts, seen = [], set()
    for asked in dict.fromkeys(ids):
        summary.entities += 1
        url = urllib.parse.urljoin(entity_data_url, f"{urllib.parse.quote(asked)}.json")
        try:
            found = client.get_json(url).get("entities") or {}
        except NotFound:
            found = {}
        entity = found.get(asked) or (next(iter(found.values())) if len(found) == 1 else None)
        if not isinstance(entity, dict) or "missing" in entity or "id" not in entity:
            summary.dropped["items not found"] += 1
            on_note(f"{asked}: not found")
            continue
        if entity["id"] != asked:  # Special:EntityData answers for a redirect with its target
            summary.redirects += 1
            on_note(f"{asked} is now {entity['id']} (a redirect): converted as {entity['id']}")
        if not wd.is_film(entity, classes):
            summary.dropped["items that are not films"] += 1
            on_note(f"{entity['id']}: not an instance of a film class (P31); left out")
            continue
        if entity["id"] in seen:
            continue
        draft = film_draft(entity, summary.dropped)
        if draft is not None:
            seen.add(entity["id"])
            drafts.append(draft)

    wanted: dict[str, int] = {}
    for draft in drafts:
        for identifier, kind in needs(draft):
            wanted[identifier] = wanted.get(identifier, 0) | kind
    references = fetch_references(wanted, client, api_url=api_url, summary=summary)
    resolver = Resolver(references, summary.dropped)
    lines = [catalog_line(draft, resolver) for draft in drafts]
    summary.films = len(lines)
    return lines, summary


def fetch_references(
    wanted: dict[str, int], client: Client, *, api_url: str, summary: Summary
) -> dict[int, Reference]:
    """The references of `wanted` ids (what each is needed for), with wbgetentities."""
    found: dict[int, Reference] = {}
    asked = sorted(wanted, key=number_of)
    for start in range(0, len(asked), IDS_PER_REQUEST):
        batch = asked[start : start + IDS_PER_REQUEST]
        query = urllib.parse.urlencode(
            {
                "action": "wbgetentities",
                "ids": "|".join(batch),
                "props": "labels|claims",
                "format": "json",
            }
        )
        answer = client.get_json(f"{api_url}?{query}")
        if "error" in answer:
            error = answer["error"]
            raise FetchError(f"{api_url}: {error.get('code')}: {error.get('info')}")
        by_id: dict[str, dict] = {}
        for key, entity in (answer.get("entities") or {}).items():
            if not isinstance(entity, dict) or "missing" in entity or "id" not in entity:
                continue
            by_id[key] = by_id[entity["id"]] = entity
            redirect = entity.get("redirects")
            if isinstance(redirect, dict) and isinstance(redirect.get("from"), str):
                by_id[redirect["from"]] = entity
                summary.redirects += 1
        for identifier in batch:
            entity = by_id.get(identifier)
            if entity is not None:
                moved_to = entity["id"] if entity["id"] != identifier else None
                found[number_of(identifier)] = reference(entity, wanted[identifier])._replace(
                    moved_to=moved_to
                )
    return found
