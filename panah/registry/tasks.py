"""Background work of the registry, run by the django-tasks database worker (`panah db_worker`)."""

from django.db import transaction
from django_tasks import task

from panah.accounts.scope import unscoped
from panah.registry.models import NameToken, Person, PersonName
from panah.registry.services import name_tokens

BATCH = 2000


@task()
def reindex_names() -> int:
    """Rebuild every name's search tokens, e.g. after the transliteration rules changed.

    Side effects: replaces NameToken rows batch by batch (each batch one transaction, so search
    keeps working while it runs). Returns the number of persons reindexed.
    """
    done = 0
    with unscoped("rebuild the name search index for every person"):
        last = 0
        while True:
            ids = list(Person.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                return done
            with transaction.atomic():
                births = dict(Person.objects.filter(pk__in=ids).values_list("pk", "birth_date"))
                NameToken.objects.filter(person_id__in=ids).delete()
                NameToken.objects.bulk_create(
                    [
                        t
                        for name in PersonName.objects.filter(person_id__in=ids)
                        for t in name_tokens(name.person_id, name, births.get(name.person_id))
                    ]
                )
            done += len(ids)
            last = ids[-1]
