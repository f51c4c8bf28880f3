"""Error reporting to Sentry (sentry-sdk and its Django integration), on only when SENTRY_DSN
is set (filmsite/settings.py): server errors, with the request's id as a tag, so that a
report leads to the log lines; nothing personal (no cookie, address or account)."""

import sentry_sdk
from django_guid import get_guid
from sentry_sdk.integrations.django import DjangoIntegration


def start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        # A share of requests traced for Sentry's performance pages: none unless asked.
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        before_send=with_request_id,
    )


def with_request_id(event, hint):
    """The request's id (filmsite/request_ids.py) as a tag: the one in its log lines."""
    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
