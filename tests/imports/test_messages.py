"""Every import message is stored as a code with parameters and renders in English, Russian and Kazakh: in
the page, the API and the XLSX report, in the reader's language, whatever language the import ran in."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from panah.imports.messages import COLUMN_LABELS, DELIMITER_LABELS, MESSAGES, SEVERITY_LABELS, render, row_label
from panah.imports.report import as_json, to_xlsx
from panah.imports.services import import_file
from panah.imports.validate import Report
from tests.imports.files import RU_HEADER, RU_ROWS, csv_bytes

# A value for every parameter a message takes, of the kind the import stores.
PARAMS = {
    "n": 3, "rows": 2, "row": 7, "created": 5, "line": 4, "size": 600, "id": 12, "percent": 91, "year": 2022,
    "date": "01.01.2017", "title": "Список беженцев", "value": "ЛБГ", "column": "population_type",
    "region": "KZ-75", "status": "STA", "sheet": "Лист2", "sheets": "Свод, Лист2", "used": ",", "file": ";",
    "who": "PN-0000001-8", "organisation": "UNHCR", "message": "—", "limit": "32,767",
}  # fmt: skip


class _Asked(dict):
    """The parameters a message asks for when filled in (a plural message asks for its count too)."""

    def __init__(self) -> None:
        super().__init__(PARAMS)
        self.asked: set[str] = set()

    def __getitem__(self, key: str):
        self.asked.add(key)
        return super().__getitem__(key)


def params_of(code: str) -> dict:
    asked = _Asked()
    with translation.override("en"):
        str(MESSAGES[code] % asked)
    return {name: PARAMS[name] for name in asked.asked}


@pytest.mark.django_db  # a region is named from the reference list
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_code_renders_in_each_language(code, language):
    with translation.override("en"):
        english = render(code, params_of(code))
    with translation.override(language):
        text = render(code, params_of(code))
    assert text and "%(" not in text and text != code
    if language != "en" and code != "invalid":  # "invalid" is a model rule's own message, translated there
        assert text != english, f"{code} is not translated into {language}"
    if "status" in params_of(code):
        assert {"en": "stateless person", "ru": "лицо без гражданства", "kk": "азаматтығы жоқ"}[language] in text
    if "column" in params_of(code):
        assert "population_type" not in text  # the column in the reader's words, not as the code names it


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_labels_of_columns_delimiters_and_severities_are_translated(language):
    for labels in (COLUMN_LABELS, DELIMITER_LABELS, SEVERITY_LABELS):
        for key, label in labels.items():
            with translation.override("en"):
                english = str(label)
            with translation.override(language):
                assert str(label) != english or key == "\t", (key, language)
    with translation.override(language):
        assert "4711" in row_label("submission:uuid:4711#2") and "2" in row_label("submission:uuid:4711#2")


def test_a_report_stored_in_one_language_reads_in_the_readers(client, cast):
    rows = [*RU_ROWS, ["A-9", "Husseini", "Zarina", "", "F", "1990", "", "Нарния", "", "", ""]]
    with translation.override("en"):
        run = import_file(
            by=cast.officer_a, organisation=cast.state, data=csv_bytes(RU_HEADER, rows), file_name="p.csv", dry_run=True
        )
    stored = str(run.report)
    assert "not a known" not in stored and "Checked" not in stored  # codes, not sentences
    client.force_login(cast.officer_a)
    for language, words in [
        ("ru", ["неизвестное значение", "Проверено"]),
        ("kk", ["белгісіз мәні", "Тексерілді"]),
        ("en", ["is not a known region", "Checked"]),
    ]:
        page = client.get(reverse("imports:run", args=[run.pk]), headers={"accept-language": language})
        html = page.content.decode()
        assert all(w in html for w in words), (language, words)
        api = client.get(f"/api/v1/imports/{run.pk}/report", headers={"accept-language": language}).json()
        assert any(words[0] in i["message"] for i in api["report"]["issues"]), api["report"]["issues"]
        [unknown] = [i for i in api["report"]["issues"] if i["code"] == "unknown_value"]
        assert unknown["params"] == {"value": "Нарния", "column": "region", "n": 1} and words[0] in unknown["message"]
        with translation.override(language):
            sheet = load_workbook(io.BytesIO(to_xlsx(Report.from_dict(run.report))))
            texts = [c.value for ws in sheet.worksheets for row in ws.iter_rows() for c in row if c.value]
            assert any(isinstance(t, str) and words[0] in t for t in texts), language
            assert as_json(Report.from_dict(run.report))["outcome_text"]
