"""Every URL pattern of the application, with its parameters, for the tests that walk them all."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # the route as written, e.g. "persons/<str:number>/"
    parameters: tuple[str, ...]


def routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                parameters = tuple(entry.pattern.regex.groupindex)
                yield Route(f"{namespace}{entry.name or ''}", pattern, parameters)

    yield from walk(get_resolver(), "/", "")


def fill(route: Route, values: dict[str, str]) -> str:
    """The route's path with each <converter:name> (or <name>) replaced by values[name]."""
    import re

    def value(match: re.Match[str]) -> str:
        return values[match.group(2)]

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route.pattern)
