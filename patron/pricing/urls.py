from django.urls import path

from patron.pricing import views

app_name = "pricing"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("scenarios/<int:pk>/target", views.make_target, name="make_target"),
    path("scenarios/<int:pk>/delete", views.delete, name="delete"),
]
