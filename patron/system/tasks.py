from django.core.mail import send_mail
from django_tasks import task

from patron.accounts.throttling import prune_failures


@task()
def send_email(subject, body, recipients):
    """Send a plain-text email from Patron's address. Mail leaves only through here,
    so that no request waits for an SMTP server (or tells by its timing what it sent)."""
    return send_mail(subject, body, None, recipients)


@task()
def prune_login_failures():
    """Forget failed logins older than the throttling window. Idempotent."""
    return prune_failures()
