from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.home, name="home"),
    path("propositions/", views.proposal_list, name="proposal-list"),
    path("propositions.csv", views.proposals_csv, name="proposal-csv"),
    path("propositions.json", views.proposals_json, name="proposal-json"),
    path("propositions/<slug:key>/", views.proposal_detail, name="proposal-detail"),
    path("projets/", views.project_list, name="project-list"),
    path("projets/<slug:slug>/", views.project_detail, name="project-detail"),
    path("donnees/", views.opendata, name="opendata"),
    path("donnees/datapackage.json", views.datapackage, name="datapackage"),
    path("donnees/catalogue.jsonld", views.catalogue, name="catalogue"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
