from django.urls import path

from patron.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.document, name="document"),
    path("<str:token>/answer/", views.answer, name="answer"),
    path("<str:token>/logo/", views.logo, name="logo"),
    path("<str:token>/file/<str:fmt>/", views.download_file, name="download"),
]
