"""The signature rule: HMAC-SHA256 of the JSON without whitespace outside strings."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys

import pytest

from inspector.listen.signature import canonical, is_json, sign, verify

from .conftest import SECRET, sample


def reference(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def test_canonical_drops_whitespace_outside_strings_only() -> None:
    body = b'{\n  "a b" : [ 1 ,\t2.50 , 1e400 ],\r\n  "s": "x  y\\" }  \\\\", "u": "\\u00e9 \xc3\xa9"\n}\n'
    assert canonical(body) == b'{"a b":[1,2.50,1e400],"s":"x  y\\" }  \\\\","u":"\\u00e9 \xc3\xa9"}'


def test_sign_is_hmac_of_the_canonical_body() -> None:
    assert sign(b'{ "id": "wh_1",\n "n": 10.0 }', SECRET) == reference(SECRET, b'{"id":"wh_1","n":10.0}')


def test_a_body_that_is_not_json_is_signed_raw() -> None:
    body = b"not json {  }\n"
    assert not is_json(body)
    assert canonical(body) == body
    assert sign(body, SECRET) == reference(SECRET, body)


def test_statuses() -> None:
    body = sample("holder-assignment-created.envelope.json")
    good = sign(body, SECRET)
    assert verify(body, good, SECRET).status == "valid"
    assert verify(body, None, SECRET).status == "missing"
    assert verify(body, good, None).status == "unchecked"
    assert verify(body, None, None).status == "unchecked"
    assert verify(body.replace(b"REFEREE", b"REFERER"), good, SECRET).status == "invalid"


def test_a_raw_body_signature_is_valid_and_says_so() -> None:
    body = b'{ "a": 1 }'
    verdict = verify(body, reference(SECRET, body), SECRET)
    assert verdict.status == "valid" and verdict.recipe == "raw"
    assert "raw body" in verdict.detail


def test_invalid_explains_a_header_that_is_not_sha256_hex() -> None:
    verdict = verify(b"{}", "sha256=abc\x1b[2J", SECRET)
    assert verdict.status == "invalid"
    assert "not a SHA-256 hex digest" in verdict.detail
    assert "\x1b" not in verdict.detail and "\\e[2J" in verdict.detail


def test_invalid_explains_a_changed_body_or_wrong_secret() -> None:
    verdict = verify(b'{"a":1}', sign(b'{"a":1}', "other-secret"), SECRET)
    assert verdict.status == "invalid"
    assert "changed" in verdict.detail and "secret" in verdict.detail


def test_invalid_explains_whitespace_around_the_secret() -> None:
    verdict = verify(b'{"a":1}', sign(b'{"a":1}', SECRET), SECRET + "\n")
    assert verdict.status == "invalid"
    assert "whitespace" in verdict.detail


def test_uppercase_hex_is_accepted_with_a_note() -> None:
    verdict = verify(b"{}", sign(b"{}", SECRET).upper(), SECRET)
    assert verdict.status == "valid"
    assert "uppercase" in verdict.detail


def test_listener_modules_do_not_import_textual() -> None:
    code = (
        "import sys, inspector.listen.signature, inspector.listen.store, inspector.listen.server, "
        "inspector.cli.listen, inspector.cli.history, inspector.cli.send, inspector.cli.sign; "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1, "b": [1, 2.5, "x y"]}',
        b'{\n  "name": "caf\\u00e9",\n  "n": 1e5,\n  "s": "\\/"\n}',
        b'{"a": 1, "a": 2}',
        b'{"text": "tab\\tand  two spaces", "big": 123456789012345678901234567890}',
        b'{"neg": -0, "f": 1.10}',
        b'\xef\xbb\xbf{"bom": true}',
    ],
)
def test_canonical_with_the_parsed_value_is_the_exact_scan(body: bytes) -> None:
    text = body.decode("utf-8-sig")
    assert canonical(body, json.loads(text)) == canonical(body)


# ------------------------------------------------------------------ the documented recipes (issue 13, section 5)

from inspector.listen.signature import _js_number, hmac_hex, stringify  # noqa: E402

TRICKY = b'{"name": "Zo\\u00eb", "url": "https:\\/\\/x.io\\/a", "amount": 1.0, "n": 1e2}'


@pytest.mark.parametrize(
    ("signed", "recipe"),
    [
        (lambda b: canonical(b), "compact"),
        (lambda b: stringify(json.loads(b)), "stringify"),
        (lambda b: b, "raw"),
    ],
)
def test_each_recipe_is_valid_and_named(signed, recipe) -> None:  # type: ignore[no-untyped-def]
    verdict = verify(TRICKY, hmac_hex(SECRET, signed(TRICKY)), SECRET)
    assert verdict.status == "valid" and verdict.recipe == recipe
    assert {"compact": "without whitespace", "stringify": "JSON.stringify", "raw": "raw body"}[recipe] in verdict.detail


def test_stringify_is_what_node_writes() -> None:
    assert stringify(json.loads(TRICKY)) == '{"name":"Zoë","url":"https://x.io/a","amount":1,"n":100}'.encode()


@pytest.mark.parametrize(
    ("number", "js"),
    [(1.0, "1"), (1.5, "1.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"),
     (0.000001, "0.000001"), (-0.0, "0"), (2**53 + 1, "9007199254740992"), (10**400, "null"), (123.456, "123.456")],
)  # fmt: skip
def test_numbers_as_javascript_writes_them(number: float, js: str) -> None:
    assert _js_number(number) == js


@pytest.mark.parametrize(
    ("options", "said"),
    [({"ascii_only": True}, "\\uXXXX"), ({"ascii_only": True, "slashes": True}, "PHP"), ({"spaces": True}, "spaces")],
)
def test_a_known_re_encoding_is_named_and_neither_the_body_nor_the_secret_is_blamed(options, said) -> None:  # type: ignore[no-untyped-def]
    verdict = verify(TRICKY, hmac_hex(SECRET, stringify(json.loads(TRICKY), **options)), SECRET)
    assert verdict.status == "invalid" and said in verdict.detail
    assert "secret is not" not in verdict.detail and "changed" not in verdict.detail


def test_when_nothing_matches_the_encodings_tried_are_said_before_blaming() -> None:
    verdict = verify(TRICKY, hmac_hex("another-secret", canonical(TRICKY)), SECRET)
    assert verdict.status == "invalid"
    tried, _, blame = verdict.detail.partition(": the body was changed")
    assert "\\uXXXX escapes" in tried and "escaped slashes" in tried and "1.0" in tried
    assert "secret" in blame


def test_no_line_printed_or_stored_holds_the_expected_digest() -> None:
    from inspector.listen.capture import Capture, Entry
    from inspector.listen.lines import format_line
    from inspector.listen.history import rejected

    body = b'{"a": 1}'
    verdict = verify(body, "0" * 64, SECRET)
    capture = Capture(received_at=0, method="POST", path="/", body=body, id=1, signature=verdict.status, signature_detail=verdict.detail)
    line = format_line(Entry(rejected("x", "y"), capture))
    assert "signature invalid" in line and "no recipe matches" in line  # --no-tui prints the reason
    for digest in (sign(body, SECRET), hmac_hex(SECRET, body), hmac_hex(SECRET, stringify(json.loads(body)))):
        assert digest not in line and digest not in verdict.detail
