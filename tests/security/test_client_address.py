"""The client's address, as the sign-in lock, the wrong-token wait, the audit log and the request log
read it (panah/common/client.py): X-Forwarded-For only from a trusted proxy, read from the right."""

import pytest
from django.test import RequestFactory, override_settings

from panah.common.client import client_address

CASES = [
    # peer, X-Forwarded-For, the client
    ("203.0.113.5", "", "203.0.113.5"),
    ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not from a proxy: the header is the client's own words
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left part is written by the client
    ("127.0.0.1", "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # through two trusted proxies
    ("127.0.0.1", "10.0.0.7", "10.0.0.7"),  # every hop trusted: the farthest one
    ("127.0.0.1", "not-an-address, 198.51.100.1", "198.51.100.1"),
    ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),  # a proxy passed on garbage: stop at the proxy
    ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ("::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
]


@pytest.mark.parametrize(("peer", "forwarded", "expected"), CASES)
@override_settings(PANAH_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy(peer, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


@override_settings(PANAH_TRUSTED_PROXIES=[])
def test_with_no_trusted_proxy_the_header_is_never_read():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert client_address(request) == "127.0.0.1"
