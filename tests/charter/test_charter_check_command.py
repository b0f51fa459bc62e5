"""`manage.py charter_check`: one JSON line out per line in, whatever comes in."""

import json
import os
import subprocess
import sys
from io import BytesIO, StringIO, TextIOWrapper
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from charter.seed import charter_seed_first_version
from tests import factories

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"verdict", "space_kind", "category", "rule", "reason"}


@pytest.fixture
def seeded(db):
    return charter_seed_first_version()


def run(lines, *args):
    stdin = StringIO("".join(line + "\n" for line in lines))
    stdout = StringIO()
    call_command("charter_check", *args, stdin=stdin, stdout=stdout)
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_each_listing_gets_its_verdict_on_its_own_line(seeded):
    out = run(
        [
            json.dumps({"title": "Lave-linge Bosch 8 kg"}),
            json.dumps({"title": "Peugeot 208 PureTech", "description": "CT OK"}),
            json.dumps({"title": "Arc à poulies"}),
            json.dumps({"title": "Pistolet à colle Bosch"}),
        ],
        "--language",
        "en",
    )

    assert [set(answer) for answer in out] == [CONTRACT_KEYS] * 4
    assert [(a["verdict"], a["space_kind"], a["category"]) for a in out] == [
        ("forbidden", "room", "bulky"),
        ("allowed", "bay", "vehicle"),
        ("review", "room", "weapon"),
        ("allowed", "room", None),
    ]
    bulky = seeded.rules.get(pk=out[0]["rule"])
    assert (bulky.category, bulky.verdict) == ("bulky", "forbidden")
    assert out[0]["reason"] == bulky.reason_en
    assert out[3]["rule"] is None and out[3]["reason"] == ""


def test_reasons_follow_the_language_option(seeded):
    (french,) = run([json.dumps({"title": "Machette"})], "--language", "fr")
    (english,) = run([json.dumps({"title": "Machette"})], "--language", "en")

    rule = seeded.rules.get(pk=french["rule"])
    assert (french["reason"], english["reason"]) == (rule.reason_fr, rule.reason_en)


def test_invalid_lines_get_an_error_and_the_command_goes_on(seeded):
    out = run(
        [
            "not json",
            "",
            '{"title": "Couteau"',
            "[1, 2]",
            '"a string"',
            '{"title": 12}',
            '{"title": "Machette", "description": ["a"]}',
            json.dumps({"title": "Vélo de course"}),
        ]
    )

    assert len(out) == 8
    assert all(set(answer) == {"error"} and answer["error"] for answer in out[:7])
    assert out[7]["verdict"] == "allowed"


def test_empty_title_and_missing_fields_are_checked_on_what_there_is(seeded):
    out = run(
        [
            json.dumps({"title": ""}),
            json.dumps({}),
            json.dumps({"title": None, "description": None}),
            json.dumps({"title": "", "description": "Vends tronçonneuse thermique"}),
            json.dumps({"description": "Sabre japonais"}),
        ]
    )

    assert [answer["verdict"] for answer in out] == ["allowed", "allowed", "allowed", "forbidden", "forbidden"]


def test_very_long_text_and_emoji(seeded):
    long_description = "Très bon état, " * 20_000 + "avec sa bouteille de gaz"
    out = run(
        [
            json.dumps({"title": "Barbecue", "description": long_description}),
            json.dumps({"title": "🚗 Voiture Clio 💨", "description": "🔥🔥🔥"}),
            json.dumps({"title": "🔪🔪"}),
            json.dumps({"title": "Lave\u2011linge 🧺"}, ensure_ascii=True),
            json.dumps({"title": "\ud83d lone surrogate"}),
        ]
    )

    assert [(a["verdict"], a["space_kind"]) for a in out] == [
        ("forbidden", "room"),
        ("allowed", "bay"),
        ("allowed", "room"),
        ("forbidden", "room"),
        ("allowed", "room"),
    ]


def test_bytes_that_are_not_utf8_get_an_error_line(seeded):
    raw = b'{"title": "Machette"}\n\xff\xfe broken\n{"title": "V\xc3\xa9lo"}\n'
    stdout = StringIO()

    call_command("charter_check", stdin=TextIOWrapper(BytesIO(raw), encoding="utf-8"), stdout=stdout)

    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [answer.get("verdict", "error") for answer in out] == ["forbidden", "error", "allowed"]


def test_explain_adds_matched_words_and_cancelling_exceptions(seeded):
    (answer,) = run([json.dumps({"title": "Pistolet à colle et pistolet d'alarme"})], "--explain")

    assert answer["verdict"] == "forbidden"
    assert answer["matched"] == "pistolet"
    assert answer["cancelled"][0]["by"] == "pistolet à colle"


def test_a_draft_version_can_be_tried_before_it_is_published(seeded):
    draft = factories.CharterVersionFactory(number=2, published_at=None)
    factories.RuleFactory(version=draft, category="bulky", terms="piano", exceptions="", reason_en="No pianos.")

    (current,) = run([json.dumps({"title": "Guitare"})])
    (tried,) = run([json.dumps({"title": "Piano droit"})], "--charter-version", "2")

    assert current["verdict"] == "allowed"
    assert (tried["verdict"], tried["reason"]) == ("forbidden", "No pianos.")


def test_without_a_published_version_the_command_says_so(db):
    with pytest.raises(CommandError, match="No charter version is published"):
        run([json.dumps({"title": "Vélo"})])
    with pytest.raises(CommandError, match="no charter version 9"):
        run([json.dumps({"title": "Vélo"})], "--charter-version", "9")


def test_the_command_honours_its_contract_through_a_real_pipe(tmp_path):
    """The real thing: a separate process on its own SQLite file, bytes through a pipe."""
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "PYTHONIOENCODING"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_charter"]):
        subprocess.run(manage + command, env=env, capture_output=True, check=True, timeout=120)  # noqa: S603
    lines = [
        json.dumps({"title": "Couteau de chasse"}),
        "{broken",
        json.dumps({"title": "🛵 Scooter 125"}, ensure_ascii=False),
        "",
        json.dumps({"title": "x" * 100_000}),
    ]

    result = subprocess.run(  # noqa: S603
        [*manage, "charter_check", "--language", "en"],
        input="\n".join(lines).encode("utf-8") + b"\n\xff\n",
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )

    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines) + 1
    assert out[0]["verdict"] == "forbidden"
    assert "error" in out[1]
    assert (out[2]["verdict"], out[2]["space_kind"]) == ("allowed", "bay")
    assert "error" in out[3]
    assert out[4]["verdict"] == "allowed"
    assert out[5] == {"error": "line is not valid UTF-8"}
