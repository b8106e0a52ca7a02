from django.urls import path

from patron.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("reconnect/", views.reconnect, name="reconnect"),
    path("pick/", views.pick, name="pick"),
    path("new/", views.contact_create, name="create"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.vcf", views.export_vcard, name="export_vcard"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("<int:pk>/card.vcf", views.export_vcard, name="vcard"),
    path("<int:pk>/interactions/", views.interaction_add, name="interaction_add"),
    path(
        "<int:pk>/interactions/<int:interaction_pk>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
]
