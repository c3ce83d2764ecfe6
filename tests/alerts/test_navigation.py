"""The calendar, the caseload and one's alert preferences are reachable from the menu, and only by who may use them:
the case pages are gated by the same policy (`perms.panah.view_cases`) as the caseload view itself."""


def _menu(client, user) -> str:
    client.force_login(user)
    return client.get("/alerts/preferences/").content.decode()


def test_who_sees_cases_finds_the_calendar_and_the_caseload_in_the_menu(client, cast):
    page = _menu(client, cast.officer_a)
    assert 'href="/appointments/"' in page
    assert 'href="/alerts/caseload/"' in page
    assert 'href="/alerts/preferences/"' in page


def test_who_may_not_see_cases_gets_only_their_own_alert_preferences(client, cast):
    page = _menu(client, cast.statistician)
    assert 'href="/appointments/"' not in page
    assert 'href="/alerts/caseload/"' not in page
    assert 'href="/alerts/preferences/"' in page
    assert client.get("/alerts/caseload/").status_code == 403
