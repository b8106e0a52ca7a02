from django.urls import path

from patron.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("effective-rate/", views.effective_rate, name="effective_rate"),
]
