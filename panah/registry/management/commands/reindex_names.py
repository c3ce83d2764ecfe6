from typing import Any

from django.core.management.base import BaseCommand

from panah.registry.tasks import reindex_names


class Command(BaseCommand):
    help = "Queue a rebuild of the name search index; the worker (`panah db_worker`) runs it."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reindex_names.enqueue()
        self.stdout.write(f"Queued name reindexing as task {result.id}.")
