"""The site's pages, a module per area: pages (home, film, similar films), search and
browse, community (ratings and comments)."""
