"""The shared cache every process of `panah serve` counts in: rate limits, the wrong-token wait.

`PANAH_CACHE_URL` names Redis (Django's own `RedisCache`); without it the cache is a table of the
database (`panah_cache`, created by `panah migrate` and `panah serve`), so limits hold across processes
with no extra service. Django's `DatabaseCache.incr` reads and writes in two statements, so two workers
counting at once could both read 5 and both write 6; `incr` here locks the row (PostgreSQL) or runs in
SQLite's immediate transaction, which takes the write lock before it reads, and keeps the row's expiry,
as Redis's INCR does.
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction

TABLE = "panah_cache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        full_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.features.has_select_for_update:
                cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE", [full_key])  # noqa: S608
            value = self.get(key, version=version)  # after the lock: the value the last writer committed
            if value is None:
                raise ValueError(f"Key '{key}' not found.")
            value += delta
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [pickled, full_key])  # noqa: S608
        return value
