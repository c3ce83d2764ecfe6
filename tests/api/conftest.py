from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from panah.api.tokens import issue_token


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # Rate-limit counters live in the cache: each test starts with none.
    cache.clear()


@pytest.fixture
def token_client(db: Any) -> Callable[..., Client]:
    """`token_client(user)`: a client that sends a fresh API token of `user` with every request."""

    def make(user: Any, **issue: Any) -> Client:
        _token, secret = issue_token(by=None, user=user, name="test", **issue)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return make
