"""The HTTP half of .ci/production-smoke: pages answer 200 and their static files come from WhiteNoise, hashed.

Standard library only, so it needs nothing but a Python. Every failure is listed, then the exit status is 1.
"""

import argparse
import re
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
SOURCE_MAP_REFERENCE = re.compile(r"^(?://|/\*)[#@][ \t]+sourceMappingURL=(?P<url>[^\s*]+)", re.MULTILINE)
ONE_YEAR = 365 * 24 * 3600


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("href") if tag == "link" else attrs.get("src") if tag == "script" else None
        if url:
            self.urls.append(url)


ALREADY_COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2")


def fetch(base: str, host: str, path: str, *, https: bool = True, gzip: bool = False):
    headers = {"Host": host}
    # gunicorn sits behind the HTTPS proxy: SECURE_PROXY_SSL_HEADER trusts this header.
    if https:
        headers["X-Forwarded-Proto"] = "https"
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    # S310: base is the http:// address of the gunicorn this run started, never user input.
    request = urllib.request.Request(urljoin(base, path), headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until_serving(base: str, host: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            fetch(base, host, "/")
            return
        except OSError as error:
            if time.monotonic() > deadline:
                sys.exit(
                    f"production-smoke: FAILED: gunicorn did not answer on {base} within {seconds:.0f} s ({error})"
                )
            time.sleep(0.3)


def check(base: str, host: str, pages: list[str], static_url: str) -> list[str]:
    failures = []
    status, headers, _ = fetch(base, host, "/", https=False)
    if status != 301 or headers.get("Location") != f"https://{host}/":
        failures.append(f"plain HTTP /: expected a 301 to https://{host}/, got {status} {headers.get('Location')}")

    assets: dict[str, str] = {}
    for page in pages:
        status, headers, body = fetch(base, host, page)
        if status != 200:
            failures.append(f"{page}: HTTP {status}, expected 200\n{body[:2000].decode(errors='replace')}")
            continue
        parser = _Assets()
        parser.feed(body.decode(errors="replace"))
        static = [url for url in parser.urls if urlsplit(url).path.startswith(static_url)]
        if not static:
            failures.append(f"{page}: no <link> or <script> under {static_url}")
        for url in static:
            assets.setdefault(urlsplit(url).path, page)
        print(f"production-smoke: {page} 200, {len(static)} static files")

    for path, page in sorted(assets.items()):
        if not HASHED_NAME.search(path):
            failures.append(f"{path} (from {page}): not a hashed name, so the manifest storage is not in use")
        status, headers, body = fetch(base, host, path)
        if status != 200:
            failures.append(f"{path} (from {page}): HTTP {status}, expected 200")
            continue
        max_age = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
        if not max_age or int(max_age.group(1)) < ONE_YEAR:
            failures.append(f"{path}: Cache-Control {headers.get('Cache-Control')!r}, expected WhiteNoise's far future")
        status, headers, _ = fetch(base, host, path, gzip=True)
        # WhiteNoise leaves formats that are compressed already (PNG, JPEG, fonts...) as they are.
        if not path.endswith(ALREADY_COMPRESSED) and headers.get("Content-Encoding") != "gzip":
            failures.append(f"{path}: no gzip variant served (Content-Encoding {headers.get('Content-Encoding')})")
        # Vendored assets ship whole: the source map a file names is served under its hashed name.
        for reference in SOURCE_MAP_REFERENCE.findall(body.decode(errors="replace")):
            map_path = urljoin(path, reference)
            map_status = fetch(base, host, map_path)[0]
            if map_status != 200 or not HASHED_NAME.search(map_path):
                failures.append(f"{path} names the source map {map_path}: HTTP {map_status}")
    print(f"production-smoke: {len(assets)} static files checked (hashed, far-future cache, gzip, source maps)")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8123/")
    parser.add_argument("--host", required=True, help="a name in DJANGO_ALLOWED_HOSTS")
    parser.add_argument("--static-url", default="/static/")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for the server to answer")
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    wait_until_serving(args.base, args.host, args.wait)
    failures = check(args.base, args.host, args.pages, args.static_url)
    for failure in failures:
        print(f"production-smoke: FAILED: {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
