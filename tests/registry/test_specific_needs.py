"""The UNHCR specific-needs codes carry Russian and Kazakh labels, and the person page shows them."""

import datetime as dt

from django.utils import translation

from panah.accounts.scope import unscoped
from panah.registry.models import SpecificNeed, SpecificNeedCode


def test_every_code_has_russian_and_kazakh_labels_and_the_person_page_shows_the_russian_one(client, cast):
    codes = list(SpecificNeedCode.objects.all())
    assert codes
    assert [c.code for c in codes if not (c.label_ru.strip() and c.label_kk.strip())] == []
    with unscoped("test"):
        SpecificNeed.objects.create(
            person=cast.person_a,
            code=SpecificNeedCode.objects.get(pk="LP-ND"),
            identified_on=dt.date(2020, 1, 1),
            identified_by=cast.state,
        )
    client.force_login(cast.sysadmin)
    # LocaleMiddleware leaves Russian active in this thread; give later tests back the language they had.
    with translation.override(translation.get_language()):
        response = client.get(f"/persons/{cast.person_a.registration_number}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    page = response.content.decode()
    assert "LP-ND Отсутствие документов, удостоверяющих личность/правовой статус" in page
    assert "No legal documentation" not in page
