"""The project's URLconf as data, and config.urls rebuilt under other settings."""

import importlib.util
import sys

from django.urls import URLResolver, get_resolver


def walk(patterns, prefix="", namespace=None):
    """(key, route) for every pattern: the key is its namespaced name, or its route when it has none."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
        else:
            yield route, route


def project_urls(urlconf=None):
    """{key: route} for every pattern of the URLconf in use (or of the given URLconf module)."""
    patterns = urlconf.urlpatterns if urlconf else get_resolver().url_patterns
    urls = {}
    for key, route in walk(patterns):
        # A name used twice (reverse() finds the first): the second pattern is keyed by its route.
        urls[route if key in urls else key] = route
    return urls


def fresh_urlconf(name):
    """config.urls imported anew as module `name` under the current settings (it reads DEBUG on import).

    The caller removes sys.modules[name] when done (monkeypatch.delitem, or the module is thrown away).
    """
    spec = importlib.util.find_spec("config.urls")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
