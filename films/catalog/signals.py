"""What the catalog tells the rest of the site, without knowing who listens (the
similar-films engine, connected in recommendations/apps.py)."""

from django.dispatch import Signal

# Sent after a curator's edit of a film's credits or descriptions is committed, with
# `film_id` and `people_before` (the ids of the people credited before the edit).
film_edited = Signal()
