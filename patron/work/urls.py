from patron.work import expense_urls, time_urls

app_name = "work"

# Two lists, one per part of the app: projects and time, and expenses and the calendar feed.
urlpatterns = time_urls.urlpatterns + expense_urls.urlpatterns
