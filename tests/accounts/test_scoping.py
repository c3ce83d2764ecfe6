"""The scoping layer fails closed: no scope open is an error, never an empty result."""

import pytest

from panah.accounts.scope import ScopeError, scope_for, unscoped, use_scope
from panah.registry.models import Document, NameToken, Person, PersonName
from panah.status.models import StatusEvent


@pytest.mark.parametrize("model", [Person, PersonName, NameToken, Document, StatusEvent])
def test_query_of_personal_data_without_a_scope_raises(cast, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_unscoped_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        unscoped(" ")


def test_regional_officer_sees_only_own_region_and_organisation(cast):
    with use_scope(scope_for(cast.officer_a)):
        assert list(Person.objects.all()) == [cast.person_a]
        # Related managers are scoped too: another region's names cannot be reached by id.
        assert not PersonName.objects.filter(person_id=cast.person_b.pk).exists()
        assert not NameToken.objects.filter(person_id=cast.person_b.pk).exists()


def test_partner_lawyer_sees_only_the_partners_clients(cast):
    with use_scope(scope_for(cast.lawyer)):
        assert list(Person.objects.all()) == [cast.partner_person]


def test_unhcr_sees_what_the_state_shares_and_nothing_of_the_partner(cast):
    with use_scope(scope_for(cast.unhcr_officer)):
        assert set(Person.objects.all()) == {cast.person_a, cast.person_b}


def test_statistician_sees_no_person(cast):
    with use_scope(scope_for(cast.statistician)):
        assert not Person.objects.exists()
        assert not PersonName.objects.exists()


def test_system_administrator_sees_everyone(cast):
    with use_scope(scope_for(cast.sysadmin)):
        assert Person.objects.count() == 3


def test_inactive_user_sees_nothing(cast):
    cast.officer_a.is_active = False
    cast.officer_a.save()
    with use_scope(scope_for(cast.officer_a)):
        assert not Person.objects.exists()


def test_scope_is_closed_again_after_the_block(cast):
    with use_scope(scope_for(cast.officer_a)):
        pass
    with pytest.raises(ScopeError):
        Person.objects.count()
