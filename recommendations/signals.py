"""What the engine tells the rest of the site, without knowing who listens (the page cache,
connected in films/apps.py)."""

from django.dispatch import Signal

# Sent when stored suggestions changed, with `film_ids`: the films whose own suggestions
# changed, or None when any film's may have (a build, counts changed by an edit). Sent
# inside the change's transaction: a receiver that raises refuses the change.
suggestions_changed = Signal()
