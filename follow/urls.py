from django.urls import path

from . import views

app_name = "follow"

urlpatterns = [
    path("", views.index, name="index"),
    path("inscription/", views.subscribe, name="subscribe"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desabonner/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gerer/<str:token>/", views.manage, name="manage"),
]
