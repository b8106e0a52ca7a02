from django.urls import path

from patron.work import calendar, expenses

urlpatterns = [
    path("expenses/", expenses.expense_list, name="expenses"),
    path("expenses/add/", expenses.expense_add, name="expense_add"),
    path("expenses/import/", expenses.expense_import, name="expense_import"),
    path("expenses/<int:pk>/", expenses.expense_edit, name="expense_edit"),
    path("expenses/<int:pk>/delete/", expenses.expense_delete, name="expense_delete"),
    path("expenses/<int:pk>/receipt/", expenses.expense_receipt, name="expense_receipt"),
    path("calendar/", calendar.feed_settings, name="calendar"),
    path("calendar/<int:pk>/revoke/", calendar.revoke_feed, name="calendar_revoke"),
    # Public: the token in the address is the only key (calendar apps cannot log in).
    path("feed/<str:token>.ics", calendar.feed, name="feed"),
]
