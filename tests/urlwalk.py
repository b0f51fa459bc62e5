"""Every URL pattern of the project, with its parameters, and a way to build a path from chosen values.

    from tests.urlwalk import project_routes
    for route in project_routes():          # admin, allauth, i18n and our apps, walked recursively
        route.key                           # "bookings:detail", or the route itself when unnamed
        route.params                        # (Param("reference", "str", "[^/]+"), ...)
        route.build({"reference": "SX-ABCDE"})   # "/bookings/SX-ABCDE/"

`build` puts any value in, matching its parameter or not (a value that does not
match gives a path the resolver refuses: a 404 worth requesting too). A `str`
value is percent-encoded as UTF-8; a `bytes` value is percent-encoded byte by byte,
which is how a test sends what a Python str cannot carry (a lone surrogate is
b"\\xed\\xa0\\x80"). Slashes are kept for `path` parameters only.

Routes come from `path()` (converters: int, slug, str, path, uuid, or any
registered one: its `regex`) and from `re_path()` (named groups, as the admin's
app index and catch-all use): each parameter carries the regex its values must
match, for strategies such as hypothesis' `from_regex`.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, quote_from_bytes

from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_GROUP_START = re.compile(r"\(\?P<(?P<name>\w+)>")


@dataclass(frozen=True)
class Param:
    name: str
    converter: str  # the path() converter's name, or "regex" for a re_path() group
    regex: str  # what a value must match to resolve


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced URL name, or the route when the pattern has none
    route: str  # the patterns' own text, joined: "admin/^(?P<app_label>auth|...)/$"
    parts: tuple  # literal strings and Param, in order

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(part for part in self.parts if isinstance(part, Param))

    def build(self, values: dict) -> str:
        """The path with each parameter replaced by values[name] (str or bytes), percent-encoded."""
        pieces = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = values[part.name]
            safe = "/" if part.converter in ("path", "regex") else ""
            if isinstance(value, bytes):
                pieces.append(quote_from_bytes(value, safe=safe))
            else:
                pieces.append(quote(str(value), safe=safe))
        return "/" + "".join(pieces)


def _route_parts(pattern: RoutePattern) -> list:
    text = str(pattern)
    parts, position = [], 0
    for match in _ROUTE_PARAMETER.finditer(text):
        parts.append(text[position : match.start()])
        name = match["name"]
        converter = pattern.converters[name]
        parts.append(Param(name, match["converter"] or "str", converter.regex))
        position = match.end()
    parts.append(text[position:])
    return parts


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def _regex_parts(pattern: RegexPattern) -> list:
    """Literal text and named groups of a re_path() regex; enough for the simple regexes URLconfs use."""
    text = str(pattern).removeprefix("^").removesuffix("$").removesuffix("\\Z")
    parts, position = [], 0
    for match in _GROUP_START.finditer(text):
        if match.start() < position:
            continue  # a group inside a group
        depth, end = 1, match.end()
        while depth:
            char = text[end]
            if char == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            end += 1
        parts.append(_unescape(text[position : match.start()]))
        parts.append(Param(match["name"], "regex", text[match.end() : end - 1]))
        position = end
    parts.append(_unescape(text[position:]))
    return parts


def _parts(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        return _route_parts(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_parts(pattern)
    return [str(pattern)]  # LocalePrefixPattern and the like: taken as literal text


def _walk(patterns, parts, route, namespace):
    for pattern in patterns:
        here_parts = [*parts, *_parts(pattern.pattern)]
        here_route = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, here_parts, here_route, inner)
            continue
        key = here_route
        if pattern.name:
            key = f"{namespace}:{pattern.name}" if namespace else pattern.name
        yield Route(key=key, route=here_route, parts=tuple(part for part in here_parts if part != ""))


def project_routes(urlconf=None) -> list[Route]:
    """Every pattern of the URLconf in use (or of the given URLconf module), in resolution order.

    Two patterns may share a name (the admin's `<path:object_id>/` redirect has
    none, and keys fall back to the route): keys are unique in the result.
    """
    patterns = urlconf.urlpatterns if urlconf else get_resolver().url_patterns
    routes, seen = [], set()
    for route in _walk(patterns, [], "", None):
        if route.key in seen:
            route = Route(key=route.route, route=route.route, parts=route.parts)
        seen.add(route.key)
        routes.append(route)
    return routes
