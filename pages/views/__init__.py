"""The site's pages, a module per area: film (home, film, similar films), search, browse and
people. The community's views (ratings and comments) are in films/community/views.py."""
