"""Schemathesis hooks (loaded by tests/api/schemathesis.toml): dates as the schema documents them.

Every date and date-time of the API is documented with `formatMinimum` and `formatMaximum`
(panah/common/dates.py), which Schemathesis does not read; these strategies generate the valid data
within that range, so "a schema-valid request" means one the schema really allows. Dates outside it
are still sent by the negative phases, and must be refused (422)."""

import datetime as dt

import schemathesis
from hypothesis import strategies as st

from panah.common.dates import MAX_DATE, MIN_DATE

days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
moments = st.datetimes(
    min_value=dt.datetime.combine(MIN_DATE, dt.time()),
    max_value=dt.datetime.combine(MAX_DATE, dt.time(23, 59, 59)),
    timezones=st.just(dt.UTC),
)

schemathesis.openapi.format("date", days.map(dt.date.isoformat))
schemathesis.openapi.format("date-time", moments.map(lambda moment: moment.isoformat().replace("+00:00", "Z")))
