"""Who sees what: trainings by region (out of region is "not found"), the knowledge base for everyone
signed in, recording trainings as a role action inside one's regions."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from panah.knowledge import services
from panah.knowledge.models import Training
from tests.conftest import REGION_A, REGION_B
from tests.factories import MembershipFactory, UserFactory, region
from tests.factories.knowledge import OfficialFactory, ParticipationFactory, TrainingFactory, publish


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trainings(cast: Any) -> dict[str, Training]:
    in_a = TrainingFactory(title="Pavlodar seminar", region=region(REGION_A))
    in_b = TrainingFactory(title="Almaty seminar", region=region(REGION_B))
    national = TrainingFactory(title="National workshop", region=region("KZ-71"))
    ParticipationFactory(training=in_b, official=OfficialFactory(full_name="Almaty Official", region=region(REGION_B)))
    ParticipationFactory(
        training=national, official=OfficialFactory(full_name="Pavlodar Official", region=region(REGION_A))
    )
    ParticipationFactory(
        training=national, official=OfficialFactory(full_name="Almaty Colleague", region=region(REGION_B))
    )
    return {"a": in_a, "b": in_b, "national": national}


def test_a_regional_officer_lists_trainings_held_in_or_attended_from_the_region(cast: Any, trainings: dict) -> None:
    response = client_for(cast.officer_a).get("/knowledge/trainings/")
    titles = [t.title for t in response.context["page"].object_list]
    assert titles == ["Pavlodar seminar", "National workshop"] or set(titles) == {
        "Pavlodar seminar",
        "National workshop",
    }
    assert "Almaty seminar" not in response.text


def test_a_training_of_another_region_is_not_found(cast: Any, trainings: dict) -> None:
    client = client_for(cast.officer_a)
    assert client.get(f"/knowledge/trainings/{trainings['b'].pk}/").status_code == 404
    assert client.get("/knowledge/trainings/999999/").status_code == 404
    assert client_for(cast.officer_b).get(f"/knowledge/trainings/{trainings['b'].pk}/").status_code == 200


def test_a_training_held_elsewhere_shows_only_the_officials_of_the_region(cast: Any, trainings: dict) -> None:
    response = client_for(cast.officer_a).get(f"/knowledge/trainings/{trainings['national'].pk}/")
    assert response.status_code == 200
    assert "Pavlodar Official" in response.text
    assert "Almaty Colleague" not in response.text
    national = client_for(cast.sysadmin).get(f"/knowledge/trainings/{trainings['national'].pk}/")
    assert "Almaty Colleague" in national.text


def test_the_knowledge_base_is_readable_by_every_signed_in_user_and_nobody_else(cast: Any) -> None:
    publish(cast.sysadmin, "law", dt.date(2010, 1, 1), ru=("Закон о беженцах", "Текст закона."))
    for user in (cast.statistician, cast.lawyer, cast.officer_b):
        assert client_for(user).get("/knowledge/articles/law/").status_code == 200
    anonymous = Client().get("/knowledge/articles/law/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_recording_trainings_is_a_role_action_limited_to_ones_regions(cast: Any) -> None:
    registrar_page = client_for(cast.officer_a).get("/knowledge/trainings/new/")
    assert registrar_page.status_code == 403  # registrars do not record trainings
    trainer = UserFactory(username="trainer_a")
    MembershipFactory(user=trainer, organisation=cast.state, role="caseworker", regions=[REGION_A])
    fields = {
        "title": "Seminar",
        "start_date": dt.date(2017, 2, 14),
        "end_date": None,
        "format": "in_person",
        "organisers": [cast.unhcr],
        "topics": ["statelessness"],
    }
    training = services.record_training(by=trainer, region=region(REGION_A), **fields)
    assert training.end_date == training.start_date
    with pytest.raises(ValidationError) as error:
        services.record_training(by=trainer, region=region(REGION_B), **fields)
    assert "region" in error.value.message_dict
    # Not offered on the form either.
    form_regions = client_for(trainer).get("/knowledge/trainings/new/").context["form"].fields["region"].queryset
    assert [r.code for r in form_regions] == [REGION_A]


@pytest.mark.parametrize("count", [1, 3])
def test_the_training_list_takes_the_same_queries_for_1_and_3_trainings(
    cast: Any, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        training = TrainingFactory(
            title=f"Training {n}", region=region(REGION_A), topics=["statelessness", "refugee_law"]
        )
        ParticipationFactory(training=training)
    client = client_for(cast.officer_a)
    client.get("/knowledge/trainings/")  # warm the session
    with django_assert_num_queries(14):
        response = client.get("/knowledge/trainings/")
    assert len(response.context["page"].object_list) == count
