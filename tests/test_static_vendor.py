"""static/vendor/ ships whole: every file unchanged from its npm release, every source map it names present."""

import hashlib
import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"
DOCUMENTATION = {"README.md", "SHA256SUMS"}
# `//# sourceMappingURL=x` ends a script, `/*# sourceMappingURL=x */` a stylesheet (the
# forms Django's manifest storage rewrites). Only .js and .css are read: a .map is JSON
# whose embedded sources may quote such a comment without referring to anything.
SOURCE_MAP_REFERENCE = re.compile(r"^(?://|/\*)[#@][ \t]+sourceMappingURL=(?P<url>[^\s*]+)", re.MULTILINE)


def _vendored_files() -> list[Path]:
    return sorted(path for path in VENDOR.rglob("*") if path.is_file() and path.name not in DOCUMENTATION)


def _source_map_references(path: Path) -> list[str]:
    return SOURCE_MAP_REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace"))


def test_every_source_map_named_by_a_vendored_file_is_vendored_beside_it():
    scripts_and_styles = [path for path in _vendored_files() if path.suffix in {".js", ".mjs", ".css"}]
    assert scripts_and_styles, "no vendored script or stylesheet found"
    references = [(path, url) for path in scripts_and_styles for url in _source_map_references(path)]
    missing = [
        f"{path.relative_to(VENDOR)} names {url}"
        for path, url in references
        if not url.startswith("data:") and not (path.parent / url.split("?")[0]).is_file()
    ]
    assert not missing, f"source maps missing from static/vendor/ (ship them, see its README): {missing}"
    assert references, "expected the vendored Bootstrap and Chart.js builds to name their source maps"


def test_every_vendored_file_is_listed_in_sha256sums_and_unchanged():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.lstrip("*")] = digest
    present = {path.relative_to(VENDOR).as_posix(): path for path in _vendored_files()}
    assert sorted(present) == sorted(listed), "static/vendor/SHA256SUMS must list exactly the vendored files"
    changed = [name for name, path in present.items() if hashlib.sha256(path.read_bytes()).hexdigest() != listed[name]]
    assert not changed, f"vendored files differ from their npm release: {changed}"


def test_collectstatic_with_the_production_storage_writes_a_manifest_of_hashed_names(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap-5.3.9/bootstrap.min.css", "vendor/chart.js-4.6.1/chart.umd.js"):
        hashed = tmp_path / paths[name]
        assert hashed.name != Path(name).name
        # The comment now names the hashed map, which was collected too.
        (reference,) = _source_map_references(hashed)
        assert (hashed.parent / reference).is_file(), f"{paths[name]} names {reference}, not collected"
