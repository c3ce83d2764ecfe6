"""The shortcuts validation takes on a large file change no report: the totals-row pre-check agrees
with the full comparison, and a value read once per file is reported on every row that has it."""

from hypothesis import given
from hypothesis import strategies as st

from panah.imports.columns import fold
from panah.imports.services import import_file
from panah.imports.validate import _TOTALS, TOTAL_WORDS, Report, _is_total
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes


def is_total_by_definition(cells: list[str]) -> bool:
    words = [fold(c) for c in [c for c in cells if c][:3]]
    return any(w == t or w.startswith(t + " ") for w in words for t in _TOTALS)


pieces = st.sampled_from(
    [*TOTAL_WORDS, *(w.upper() for w in TOTAL_WORDS), "Итого:", "ВСЕГО", "ИТОГ", "итоговый", "Всё", "grand_total",
     "Grand  Total!", "Total 5", "subtotal", " ", ":", "_", "ё", "Ё", "2", "A-1", "Ахмади", "Барлығы: 2"]
)  # fmt: skip
cell = st.one_of(st.just(""), st.text(max_size=8), st.lists(pieces, max_size=3).map("".join))


@given(st.lists(cell, max_size=6))
def test_the_totals_precheck_agrees_with_the_full_comparison(cells):
    assert _is_total(cells) == is_total_by_definition(cells)


def test_a_value_no_list_knows_is_reported_once_with_the_rows_that_have_it(cast):
    rows = [
        [*RU_ROWS[0][:4], "Q", *RU_ROWS[0][5:7], "Нарния", *RU_ROWS[0][8:]],
        [*RU_ROWS[1][:4], "Q", *RU_ROWS[1][5:7], "Нарния", *RU_ROWS[1][8:]],
        [*RU_ROWS[2][:4], "q", *RU_ROWS[2][5:]],
    ]
    run = import_file(
        by=cast.officer_a, organisation=cast.state, data=csv_bytes(RU_HEADER, rows), file_name="p.csv", dry_run=True
    )
    report = Report.from_dict(run.report)
    errors = [(i.row, i.column, i.value) for i in report.issues if i.severity == "error"]
    assert errors == [(None, "Пол", "Q"), (None, "Область", "Нарния")]
    assert [(e["value"], e["n"], e["rows"]) for e in report.unknown_values] == [
        ("Q", 3, [2, 3, 4]),
        ("Нарния", 2, [2, 3]),
    ]
    assert report.issues[-1].message.startswith("“Нарния” is not a known region (2 rows)")
