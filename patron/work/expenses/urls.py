from django.urls import path

from patron.work.expenses import views

urlpatterns = [
    path("expenses/", views.expense_list, name="expenses"),
    path("expenses/add/", views.expense_add, name="expense_add"),
    path("expenses/import/", views.expense_import, name="expense_import"),
    path("expenses/<int:pk>/", views.expense_edit, name="expense_edit"),
    path("expenses/<int:pk>/delete/", views.expense_delete, name="expense_delete"),
    path("expenses/<int:pk>/receipt/", views.expense_receipt, name="expense_receipt"),
]
