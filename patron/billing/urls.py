from django.urls import path

from patron.billing import chasing_views, statement_views, views

app_name = "billing"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_create, name="create"),
    path("from-work/", views.from_work, name="from_work"),
    path("<int:pk>/", views.document_page, name="document"),
    path("<int:pk>/issue/", views.document_issue, name="issue"),
    path("<int:pk>/delete/", views.document_delete, name="delete"),
    path("<int:pk>/credit/", views.document_credit, name="credit"),
    path("<int:pk>/link/", views.document_link, name="link"),
    path("<int:pk>/send/", views.document_send, name="send"),
    path("sendings/<int:pk>/retry/", views.sending_retry, name="sending_retry"),
    path("<int:pk>/file/<str:fmt>/", views.document_download, name="download"),
    path("<int:pk>/revoke-links/", views.document_revoke_links, name="revoke_links"),
    path("<int:pk>/payment/", views.document_payment, name="payment"),
    path("<int:pk>/use-credit/", views.document_use_credit, name="use_credit"),
    path("payments/", views.payment_list, name="payments"),
    path("books/", views.books_page, name="books"),
    path("books/<str:name>", views.books_file, name="books_file"),
    path("payments/<int:pk>/delete/", views.payment_delete, name="payment_delete"),
    path("statements/", statement_views.statement_list, name="statements"),
    path("statements/<int:pk>/", statement_views.statement_page, name="statement"),
    path(
        "statements/<int:pk>/confirm-all/",
        statement_views.statement_confirm_all,
        name="statement_confirm_all",
    ),
    path("statements/<int:pk>/match/", statement_views.statement_match, name="statement_match"),
    path("statements/lines/<int:pk>/confirm/", statement_views.line_confirm, name="line_confirm"),
    path("statements/lines/<int:pk>/ignore/", statement_views.line_ignore, name="line_ignore"),
    path("statements/lines/<int:pk>/restore/", statement_views.line_restore, name="line_restore"),
    path("statements/banks/new/", statement_views.mapping_form, name="mapping_create"),
    path("statements/banks/<int:pk>/", statement_views.mapping_form, name="mapping"),
    path("reminders/", chasing_views.reminders_page, name="reminders"),
    path("reminders/<int:pk>/letter/", chasing_views.reminder_letter, name="reminder_letter"),
    path("reminders/<int:pk>/retry/", chasing_views.reminder_retry, name="reminder_retry"),
    path("reminders/pauses/<int:pk>/delete/", chasing_views.pause_delete, name="pause_delete"),
    path("<int:pk>/reminders/", chasing_views.document_reminders, name="document_reminders"),
    path("recurring/", chasing_views.recurring_list, name="recurring"),
    path("recurring/new/", chasing_views.recurring_edit, name="recurring_create"),
    path("recurring/<int:pk>/", chasing_views.recurring_edit, name="recurring_edit"),
    path("recurring/<int:pk>/delete/", chasing_views.recurring_delete, name="recurring_delete"),
    path("<int:pk>/<slug:step>/", views.document_follow_up, name="follow_up"),
]
