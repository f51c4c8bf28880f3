from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect, render

from films.models import Credit, Person

COLLABORATORS_SHOWN = 12


def person_detail(request, slug, pk):
    # Queries: the person, their credits with films, their most frequent collaborators: 3.
    person = get_object_or_404(Person, pk=pk)
    if person.slug != slug:
        return redirect(person, permanent=True)
    credits = list(
        Credit.objects.filter(person=person)
        .select_related("film")
        .order_by(F("film__year").asc(nulls_last=True), "film__title", "film_id")
    )
    by_role = {role: [c for c in credits if c.role == role] for role in Credit.Role.values}
    film_ids = {c.film_id for c in credits}
    collaborators = (
        Credit.objects.filter(film_id__in=film_ids)
        .exclude(person=person)
        .values("person_id", "person__name", "person__slug")
        # A collaborator who both wrote and acted in a film shares it once.
        .annotate(shared=Count("film", distinct=True))
        .order_by("-shared", "person__name")[:COLLABORATORS_SHOWN]
    )
    ctx = {
        "person": person,
        "directed": by_role[Credit.Role.DIRECTOR],
        "written": by_role[Credit.Role.WRITER],
        "acted": by_role[Credit.Role.ACTOR],
        "film_total": len(film_ids),
        "collaborators": [
            {
                "name": c["person__name"],
                "url": Person(pk=c["person_id"], slug=c["person__slug"]).get_absolute_url(),
                "shared": c["shared"],
            }
            for c in collaborators
        ],
    }
    return render(request, "films/person_detail.html", ctx)
