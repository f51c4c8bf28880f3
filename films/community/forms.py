"""The forms visitors send: a vote, and a comment with its spam defences."""

import secrets
import time
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from films.catalog.text import without_control_characters
from films.community.models import (
    COMMENT_BODY_MAX_LENGTH,
    COMMENT_EMAIL_MAX_LENGTH,
    COMMENT_NAME_MAX_LENGTH,
)
from films.community.services import MAX_STARS, MIN_STARS

_STARS_RANGE = {"min": MIN_STARS, "max": MAX_STARS}
# Translated when shown, in the visitor's language (lazy: these are made at import).
NOT_A_VOTE = lazy(
    lambda: gettext("A rating is a whole number of stars from %(min)d to %(max)d.") % _STARS_RANGE,
    str,
)()
CHOOSE_STARS = lazy(lambda: gettext("Choose from %(min)d to %(max)d stars.") % _STARS_RANGE, str)()


class VoteForm(forms.Form):
    stars = forms.IntegerField(
        min_value=MIN_STARS,
        max_value=MAX_STARS,
        error_messages={
            "required": CHOOSE_STARS,
            "invalid": NOT_A_VOTE,
            "min_value": NOT_A_VOTE,
            "max_value": NOT_A_VOTE,
        },
    )


def star_label(n: int) -> str:
    return ngettext("%(count)d star", "%(count)d stars", n) % {"count": n}


STAR_CHOICES = [(n, lazy(star_label, str)(n)) for n in range(MIN_STARS, 6)]


# --- The comment form's stamp: a one-time token, and when the form was shown ------------

# People take more than this to read a page and write a comment; scripts do not.
MIN_SECONDS_BEFORE_SENDING = 3
# A comment form lasts this long: time to write, not a token to keep (the message says it).
STAMP_MAX_AGE_HOURS = 6


@dataclass(frozen=True)
class FormStamp:
    """A signed token in the comment form: it names the form (so sending it twice stores
    one comment, see Comment.token), the film it was shown with (a form's token is good for
    that film only) and when it was shown (so a form sent faster than a person can write,
    or kept longer than STAMP_MAX_AGE_HOURS, is refused)."""

    token: str
    shown_at: float
    film_id: int

    SALT = "films.comment-form"

    @classmethod
    def new(cls, film_id: int, *, shown_at: float | None = None) -> str:
        payload = f"{int(film_id)}.{secrets.token_urlsafe(24)}"  # no "." in the token
        return _StampSigner(shown_at=shown_at).sign(payload)

    @classmethod
    def read(cls, value: str, film_id: int) -> "FormStamp | None":
        """The stamp, or None when it is missing, was not signed by us, was made for
        another film or is too old."""
        try:
            payload, shown_at = _StampSigner().unsign_with_time(value)
            film, token = payload.split(".", 1)
            stamp = cls(token=token, shown_at=shown_at, film_id=int(film))
        except (signing.BadSignature, ValueError):
            return None
        if stamp.film_id != film_id or stamp.age > STAMP_MAX_AGE_HOURS * 60 * 60:
            return None
        return stamp

    @property
    def age(self) -> float:
        return time.time() - self.shown_at


class _StampSigner(signing.TimestampSigner):
    def __init__(self, *, shown_at: float | None = None):
        super().__init__(salt=FormStamp.SALT)
        self.shown_at = shown_at

    def timestamp(self):
        return signing.b62_encode(int(time.time() if self.shown_at is None else self.shown_at))

    def unsign_with_time(self, value: str) -> tuple[str, float]:
        # Signer.unsign checks the signature over "token:timestamp"; then both are ours.
        token, timestamp = signing.Signer.unsign(self, value).rsplit(self.sep, 1)
        return token, float(signing.b62_decode(timestamp))


# --- The comment form -------------------------------------------------------------------


class VisitorText(forms.CharField):
    """What a visitor typed, without control characters (films.catalog.text)."""

    def to_python(self, value):
        # Before CharField trims and checks for emptiness: "\x01 " is an empty name.
        if isinstance(value, str):
            value = without_control_characters(value)
        return super().to_python(value)


class CommentText(VisitorText):
    """Browsers send a textarea's line breaks as CRLF; counted as one character each, as
    the browser's own maxlength counts them, so a comment of exactly the maximum fits."""

    widget = forms.Textarea

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.Form):
    # Unbound, its fields are rendered once a process and shown to every visitor
    # (includes/comment_form.html): none may have an initial value but the stamp, which is
    # rendered apart.
    name = VisitorText(
        max_length=COMMENT_NAME_MAX_LENGTH,
        error_messages={
            "required": _("Please give a name to sign your comment with."),
            "max_length": _(
                "A name has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
        label=_("Name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=COMMENT_EMAIL_MAX_LENGTH,
        error_messages={
            "invalid": _("This does not look like an e-mail address."),
            "max_length": _("An e-mail address has at most %(limit_value)d characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = CommentText(
        label=_("Comment"),
        max_length=COMMENT_BODY_MAX_LENGTH,
        error_messages={
            "required": _("Please write your comment."),
            "max_length": _(
                "A comment has at most %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # The honeypot: hidden from people (see includes/comment_form.html), filled by bots
    # that fill every field. Its name is not one that browsers autofill.
    subject = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, film_id: int, **kwargs):
        self.stamp_value = None
        if data is not None:
            self.stamp_value = FormStamp.read(data.get("stamp", ""), film_id)
            if self.stamp_value is None:
                # Shown again with a new stamp, so that sending it again can succeed.
                data = data.copy()
                data["stamp"] = FormStamp.new(film_id)
        super().__init__(data, *args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("stamp", FormStamp.new(film_id))

    def clean(self):
        cleaned = super().clean()
        if self.stamp_value is None:
            raise forms.ValidationError(
                _(
                    "This form could not be checked (it may have been open more than "
                    "%(hours)d hours). Your text is below: please send it again."
                ),
                params={"hours": STAMP_MAX_AGE_HOURS},
                code="stamp",
            )
        if self.stamp_value.age < MIN_SECONDS_BEFORE_SENDING:
            raise forms.ValidationError(
                _("That was quick! Please take a moment to read your comment, then send it again."),
                code="too_fast",
            )
        return cleaned

    @property
    def caught_by_honeypot(self) -> bool:
        return bool(self.cleaned_data.get("subject"))

    @property
    def token(self) -> str:
        return self.stamp_value.token
