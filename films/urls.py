from django.urls import path

from films.views import pages, search

app_name = "films"

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("search/", search.search, name="search"),
    path("film/<int:pk>/", pages.film_by_id, name="by_id"),
    path("film/<slug:slug>-<int:pk>/", pages.film_detail, name="detail"),
    path("film/<slug:slug>-<int:pk>/similar/", pages.film_similar, name="similar"),
    path("film/<slug:slug>-<int:pk>/similar.json", pages.film_similar_json, name="similar_json"),
]
