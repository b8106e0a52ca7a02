from patron.work import time_urls
from patron.work.expenses import urls as expense_urls

app_name = "work"

# Two lists, one per part of the app: projects, time and the calendar feed; expenses.
urlpatterns = time_urls.urlpatterns + expense_urls.urlpatterns
