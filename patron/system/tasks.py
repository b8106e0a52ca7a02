from django_tasks import task

from patron.accounts.throttling import prune_failures


@task()
def prune_login_failures():
    """Forget failed logins older than the throttling window. Idempotent."""
    return prune_failures()
