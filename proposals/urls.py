from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.home, name="home"),
    path("propositions/", views.proposal_list, name="proposal-list"),
    path("propositions/<slug:key>/", views.proposal_detail, name="proposal-detail"),
    path("projets/<slug:slug>/", views.project_detail, name="project-detail"),
]
