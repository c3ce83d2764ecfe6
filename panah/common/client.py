"""The address of the client a request comes from: one function for the sign-in lockout, the wrong-token
wait, the audit log and the request log.

Behind a reverse proxy every request reaches Panah from the proxy's address; the proxy adds the address
it saw to `X-Forwarded-For`. That header is honoured only when the immediate peer is a trusted proxy
(`PANAH_TRUSTED_PROXIES`, addresses or networks): the hops are then read from the right, and the first
one that is not itself a trusted proxy is the client. Everything to its left was written by the client
and could be anything, so it is never read. A request from an untrusted peer is its own client,
whatever headers it sends.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen on an IPv6 socket (::ffff:192.0.2.1) is the IPv4 client.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _trusted(tuple(settings.PANAH_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str | None:
    """The client's address as text (None if the server did not say who connected)."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    if not is_trusted_proxy(peer):
        return str(peer)
    client = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a trusted proxy passed on something that is not an address: stop at it
            break
        client = address
        if not is_trusted_proxy(address):
            break
    return str(client)
