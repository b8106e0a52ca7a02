from django.urls import path

from patron.work import calendar, views

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/pick/", views.project_pick, name="project_pick"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/tasks/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("time/", views.entry_list, name="entries"),
    path("time/new/", views.entry_create, name="entry_create"),
    path("time/task-menu/", views.entry_task, name="entry_task"),
    path("time/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("time/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("timer/", views.timer, name="timer"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("week/", views.week, name="week"),
    path("week/rows/", views.week_row, name="week_row"),
    # The calendar feed of due dates and follow-ups, beside the time it plans.
    path("calendar/", calendar.feed_settings, name="calendar"),
    path("calendar/<int:pk>/revoke/", calendar.revoke_feed, name="calendar_revoke"),
    # Public: the token in the address is the only key (calendar apps cannot log in).
    path("feed/<str:token>.ics", calendar.feed, name="feed"),
]
