"""Tasks run through the real django-tasks database backend and its worker, not a mock."""

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from panah.accounts.scope import unscoped
from panah.registry.models import NameToken
from panah.registry.tasks import reindex_names


# The worker closes its database connection when it finishes, as it should in production: that
# needs a test without a wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_reindex_task_runs_in_the_database_worker_and_rebuilds_tokens(cast):
    with unscoped("test"):
        NameToken.objects.filter(person=cast.person_a).delete()
    result = reindex_names.enqueue()
    assert result.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    with unscoped("test"):
        assert sorted(NameToken.objects.filter(person=cast.person_a).values_list("key", flat=True)) == [
            "ahmadi",
            "mohammad",
        ]
