from django.urls import path

from films.community.feeds import FilmCommentsFeed, LatestCommentsFeed
from pages.views import (
    browse,
    community,
    film,
    for_you,
    health,
    home,
    indexes,
    like,
    people,
    ratings,
    search,
    watchlist,
)

app_name = "films"

urlpatterns = [
    path("", home.home, name="home"),
    path("surprise/", home.surprise, name="surprise"),
    path("healthz", health.health, name="health"),
    path("readyz", health.ready, name="ready"),
    path("search/", search.search, name="search"),
    path("search/suggest.json", search.suggest, name="suggest"),
    path("person/<slug:slug>-<int:pk>/", people.person_detail, name="person"),
    path("genres/", indexes.genre_index, name="genres"),
    path("decades/", indexes.decade_index, name="decades"),
    path("countries/", indexes.country_index, name="countries"),
    path("themes/", indexes.theme_index, name="themes"),
    path("genre/<slug:slug>/", browse.genre_detail, name="genre"),
    path("theme/<slug:slug>/", browse.theme_detail, name="theme"),
    path("country/<str:code>/", browse.country_detail, name="country"),
    path("decade/<int:start>s/", browse.decade_detail, name="decade"),
    path("browse/", browse.browse, name="browse"),
    path("film/<int:pk>/", film.film_by_id, name="by_id"),
    path("film/<slug:slug>-<int:pk>/", film.film_detail, name="detail"),
    path("film/<slug:slug>-<int:pk>/similar/", film.film_similar, name="similar"),
    path("film/<slug:slug>-<int:pk>/similar.json", film.film_similar_json, name="similar_json"),
    path("film/<slug:slug>-<int:pk>/rate/", community.rate, name="rate"),
    path("film/<slug:slug>-<int:pk>/watchlist/", watchlist.change, name="watchlist_change"),
    path("film/<slug:slug>-<int:pk>/comments/", community.film_comments, name="comments"),
    path("film/<slug:slug>-<int:pk>/comments/feed/", FilmCommentsFeed(), name="comments_feed"),
    path("comments/<int:pk>/", community.comment_permalink, name="comment"),
    path("comments/feed/", LatestCommentsFeed(), name="latest_comments_feed"),
    path("for-you/", for_you.for_you, name="for_you"),
    path("watchlist/", watchlist.watchlist, name="watchlist"),
    path("ratings/", ratings.ratings, name="ratings"),
    path("like/", like.like, name="like"),
]
