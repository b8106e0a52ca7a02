from django.urls import path

from patron.business import views

app_name = "business"

urlpatterns = [
    path("setup/business/", views.setup_profile, name="setup_profile"),
    path("setup/brand/", views.setup_brand, name="setup_brand"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/business/", views.settings_profile, name="settings_profile"),
    path("settings/brand/", views.settings_brand, name="settings_brand"),
    path("settings/brand/preview/", views.brand_preview, name="brand_preview"),
    path("settings/brand/logo/", views.logo, name="logo"),
    path("settings/mail/", views.settings_mail, name="settings_mail"),
]
