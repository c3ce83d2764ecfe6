"""The features duplicate detection compares: the same person written by different offices, in
different scripts, gives the same keys."""

import pytest

from panah.matching.normalise import address_features, birth_parts, document_key, prepare


def keys(**row):
    features = prepare({"person_id": "1", **row})
    return features["given_skel"], features["family_skel"], features["patronymic_skel"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The example: a regional department in Cyrillic, a partner in Latin.
        ({"given_name": "Мухаммад", "family_name": "Ахмади"}, {"given_name": "Mohammad", "family_name": "Ahmadi"}),
        ({"given_name": "Muhammad", "family_name": "Ahmadi"}, {"given_name": "Мухаммед", "family_name": "Ахмади"}),
        # Particles and compound names written apart or together.
        (
            {"given_name": "Abdul Rahman", "family_name": "al-Hassan"},
            {"given_name": "Abdulrahman", "family_name": "Hassan"},
        ),
        (
            {"given_name": "Абдурахман", "family_name": "Аль Хасан"},
            {"given_name": "Abdurrahman", "family_name": "El-Hasan"},
        ),
        # Patronymic the Russian, the Kazakh and the Persian way.
        ({"given_name": "Ali", "patronymic": "Ибрагимович"}, {"given_name": "Али", "patronymic": "Ibrahim uly"}),
        ({"given_name": "Айгуль", "patronymic": "Нурлановна"}, {"given_name": "Aigul", "patronymic": "Nurlan kyzy"}),
        # Russian feminine family names; Persian -zada.
        ({"given_name": "Zarina", "family_name": "Rahimova"}, {"given_name": "Зарина", "family_name": "Рахимов"}),
        ({"given_name": "Zabihullah", "family_name": "Ahmadzada"}, {"given_name": "Забихулла", "family_name": "Ахмад"}),
        ({"full_name_original": "ذبیح الله نورزی"}, {"given_name": "Zabihullah", "family_name": "Nurzai"}),
        # Russian г for h.
        ({"given_name": "Ибрагим", "family_name": "Гусейни"}, {"given_name": "Ibrahim", "family_name": "Husseini"}),
        # ж as j (Kazakh Latin 2021, passports), zh (ICAO) or ž (ISO 9); ISO 9 й as j and -ovič.
        ({"given_name": "Janar", "patronymic": "Bauyrjan qyzy"}, {"given_name": "Жанар", "patronymic": "Бауржановна"}),
        ({"given_name": "Žavad", "family_name": "Husejni"}, {"given_name": "Jawad", "family_name": "Husseini"}),
        ({"given_name": "Ajbek", "patronymic": "Sardorovič"}, {"given_name": "Айбек", "patronymic": "Сардорович"}),
        # Uzbek Latin x for х.
        ({"given_name": "Shaxlo", "family_name": "Xamidova"}, {"given_name": "Шахло", "family_name": "Хамидова"}),
        # The Arabic article written joined, in Arabic script and in Latin.
        ({"given_name": "أحمد", "family_name": "الأحمد"}, {"given_name": "Akhmed", "family_name": "Al-Akhmad"}),
        ({"given_name": "Houda", "family_name": "Alhassan"}, {"given_name": "Khuda", "family_name": "Al-Khasan"}),
        # Compound names written apart in Arabic script (عبد, گل as heads).
        ({"patronymic": "عبد الرحمن"}, {"patronymic": "Abdurakhmanovna"}),
        (
            {"full_name_original": "علی گل آغا محمدی"},
            {"given_name": "Ali", "patronymic": "Gulaga", "family_name": "Mohammadi"},
        ),
        # و as the consonant w: Mirwais, Jawad.
        ({"given_name": "میرویس", "family_name": "وردک"}, {"given_name": "Mirwais", "family_name": "Wardak"}),
    ],
)
def test_the_same_name_written_two_ways_gets_the_same_keys(a, b):
    assert keys(**a) == keys(**b)


def test_a_name_only_in_arabic_script_fills_given_and_family():
    features = prepare({"person_id": "7", "full_name_original": "محمد احمدی"})
    latin = prepare({"person_id": "8", "given_name": "Mohammad", "family_name": "Ahmadi"})
    assert (features["given_skel"], features["family_skel"]) == (latin["given_skel"], latin["family_skel"])
    assert features["name_skels"] == latin["name_skels"]


def test_a_three_word_original_name_is_given_fathers_and_family_name():
    features = prepare({"person_id": "7", "full_name_original": "علی احمد احمدی"})
    latin = prepare({"person_id": "8", "given_name": "Ali", "family_name": "Ahmadi", "patronymic": "Ahmad"})
    assert (features["given_skel"], features["patronymic_skel"], features["family_skel"]) == (
        latin["given_skel"],
        latin["patronymic_skel"],
        latin["family_skel"],
    )


@pytest.mark.parametrize("name", ["Ali", "Alim", "Alisher", "Alibek"])
def test_names_beginning_with_al_are_not_taken_for_the_article(name):
    assert prepare({"person_id": "1", "family_name": name})["family"] == name.lower()


def test_name_sets_ignore_order_so_swapped_names_meet():
    a = prepare({"person_id": "1", "given_name": "Ahmadi", "family_name": "Mohammad"})
    b = prepare({"person_id": "2", "given_name": "Мохаммад", "family_name": "Ахмади"})
    assert a["name_skels"] == b["name_skels"]
    assert a["given_skel"] != b["given_skel"]


def test_different_fathers_differ():
    assert keys(patronymic="Ahmadovich")[2] != keys(patronymic="Karimovich")[2]


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("1990", (1990, None, None, "year")),
        ("1990-05", (1990, 5, None, "month")),
        ("1990-05-17", (1990, 5, 17, "day")),
        ("", (None, None, None, "")),
    ],
)
def test_birth_parts(value, parts):
    assert birth_parts(value) == parts


@pytest.mark.parametrize("value", ["17.05.1990", "1990-02-30", "90", "1990-13"])
def test_impossible_or_foreign_birth_dates_are_refused(value):
    with pytest.raises(ValueError, match=r"birth_date|day|month"):
        birth_parts(value)


def test_document_numbers_compare_without_spaces_or_case():
    assert document_key("n 0123-456") == document_key("N0123456") == "N0123456"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("ул. Абая 12, кв. 5", "г. Алматы"), ("ul. Abaia 12, kv. 5", "Almaty")),  # Cyrillic and transliterated
        (("ул. Абая 12, кв. 5", "Алматы"), ("Абая көшесі, 12-5", "Алматы қаласы")),  # the Kazakh way
        (("мкр. Самал 3", "Алматы"), ("микрорайон Самал, д. 3", "Алматы")),
        (("67 boswellcrescent", "morwell"), ("67 boswell crescent", "morwell")),  # words run together
        (("11 champion p lace", "boronia heights"), ("11 champion place", "boronia heights")),  # a word split
    ],
)
def test_one_address_written_two_ways_gets_the_same_keys(a, b):
    assert address_features(*a) == address_features(*b)


def test_address_keys_keep_the_numbers_apart_from_the_street():
    keys = address_features("ул. Толе би 44, кв. 7", "Шымкент")
    assert keys == {
        "address_key": "tlb44.7",
        "address_street": "tlb",
        "address_number": "44.7",
        "locality_key": "smknt",
    }
    assert address_features("", "") == {
        "address_key": "",
        "address_street": "",
        "address_number": "",
        "locality_key": "",
    }
    # English kinds of street name the street: Boswell Crescent is not Boswell Street.
    assert (
        address_features("1 Boswell Crescent", "")["address_street"]
        != address_features("1 Boswell Street", "")["address_street"]
    )


def test_document_numbers_keep_their_digits_in_order_and_sorted():
    features = prepare({"person_id": "x", "document_number": "P 0123-465"})
    assert features["document_number"] == "P0123465"
    assert features["document_number_sorted"] == "0123456P"
