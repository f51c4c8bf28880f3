from django.urls import path

from films import views

app_name = "films"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("search/", views.search, name="search"),
    path("film/<int:pk>/", views.film_by_id, name="by_id"),
    path("film/<slug:slug>-<int:pk>/", views.film_detail, name="detail"),
    path("film/<slug:slug>-<int:pk>/similar/", views.film_similar, name="similar"),
    path("film/<slug:slug>-<int:pk>/similar.json", views.film_similar_json, name="similar_json"),
]
