"""Background work of the knowledge app, run by the django-tasks database worker."""

from django_tasks import task


@task()
def send_publication_notices(version_id: int) -> int:
    """E-mail the subscribers of a newly published article version. Returns the messages sent.

    A task, so a slow or unreachable mail server never fails the editor's publication."""
    from panah.knowledge.services import notify_subscribers

    return notify_subscribers(version_id)
