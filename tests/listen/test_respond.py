"""Chosen answers: the STATUS[:DELAY][:BODY] syntax, per-type rules, the answer key's cycle."""

from __future__ import annotations

import json

import pytest

from inspector.listen.respond import (
    OK,
    Reply,
    AnswerError,
    Responder,
    answer_body,
    event_type_of,
    parse_answer,
    parse_rule,
)

HOLDER = "customer.holder.assignment.created"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("503", Reply(status=503)),
        ("200:2.5s", Reply(status=200, delay=2.5)),
        ("500:250ms", Reply(status=500, delay=0.25)),
        ("500:1", Reply(status=500, delay=1.0)),
        ("200:.5S", Reply(status=200, delay=0.5)),
        ("timeout", Reply(status=None)),
        ("TIMEOUT", Reply(status=None)),
        ('409:0s:{"error": "duplicate: no"}', Reply(status=409, body=b'{"error": "duplicate: no"}')),
        ("503::busy", Reply(status=503, body=b"busy")),
        ("200:", OK),
    ],
)
def test_answers_parse(text: str, answer: Reply) -> None:
    assert parse_answer(text) == answer


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "200-599 or 'timeout'"),
        ("99", "200-599"),
        ("600", "200-599"),
        ("1e3", "200-599"),
        ("ok", "200-599"),
        ("200:2,5s", "not a delay"),
        ('200:{"ok":true}', "STATUS::BODY"),
        ("200:-1s", "not a delay"),
        ("200:301s", "outlasts"),
        ("timeout:2s", "takes no delay"),
        ("timeout::x", "takes no delay"),
    ],
)
def test_bad_answers_say_why(text: str, why: str) -> None:
    with pytest.raises(AnswerError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse_answer(text)


def test_labels_and_specs() -> None:
    assert parse_answer("200:2.5s").label == "200 after 2.5 s"
    assert parse_answer("timeout").label == "timeout (no answer)"
    assert parse_answer("503::x").spec == "503::…" and parse_answer("503:1s:x").spec == "503:1s:…"
    assert OK.plain and not parse_answer("200:1s").plain and not parse_answer("503").plain


def test_rules_parse_and_match_with_wildcards() -> None:
    rule = parse_rule(f"{HOLDER}=503:1s")
    assert rule.event_type == HOLDER and rule.answer == Reply(status=503, delay=1.0)
    assert rule.matches(HOLDER) and not rule.matches("customer.created") and not rule.matches(None)
    assert parse_rule("customer.*=500").matches(HOLDER)
    for bad in ("503", "=503", f"{HOLDER}=", f"{HOLDER}=abc"):
        with pytest.raises(AnswerError):
            parse_rule(bad)


def test_first_matching_rule_wins_else_the_current_answer() -> None:
    responder = Responder(
        default=parse_answer("200:2s"),
        rules=[parse_rule(f"{HOLDER}=503"), parse_rule("customer.*=500")],
    )
    assert responder.by_type
    assert responder.choose(HOLDER) == (Reply(status=503), f"--respond-for {HOLDER}=503")
    assert responder.choose("customer.deleted") == (Reply(status=500), "--respond-for customer.*=500")
    assert responder.choose(None) == (Reply(status=200, delay=2.0), "--respond 200:2s")
    assert "answering 200 after 2 s; 2 per-type rules" == responder.describe()


def test_the_plain_answer_is_the_listeners_own() -> None:
    responder = Responder()
    assert not responder.by_type
    assert responder.choose(HOLDER) == (OK, None)


def test_cycle_goes_through_200_500_503_timeout() -> None:
    responder = Responder()
    seen = [responder.cycle().status for _ in range(5)]
    assert seen == [500, 503, None, 200, 500]
    assert responder.choose(None) == (Reply(status=500), "answer key: 500")


def test_cycle_keeps_the_configured_answer_in_the_round() -> None:
    configured = parse_answer("200:2.5s")
    responder = Responder(default=configured)
    seen = [responder.cycle() for _ in range(5)]
    assert [a.status for a in seen] == [200, 500, 503, None, 200]
    assert seen[0] == OK and seen[-1] == configured
    assert responder.choose(None) == (configured, "--respond 200:2.5s")
    responder.cycle()
    assert responder.choose(None) == (OK, None)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (json.dumps({"id": "wh_1", "type": HOLDER, "data": {}}).encode(), HOLDER),
        (b'{"type": 1}', None),
        (b"[1, 2]", None),
        (b"\xff\xfe not json", None),
        (b"[" * 100_000, None),
    ],
)
def test_event_type_of_a_raw_body(body: bytes, kind: str | None) -> None:
    assert event_type_of(body) == kind


def test_answer_bodies() -> None:
    body, kind = answer_body(Reply(status=503), 7, "--respond 503")
    assert kind == "application/json"
    assert json.loads(body) == {"ok": False, "id": 7, "error": "answered 503 as chosen (--respond 503)"}
    body, kind = answer_body(Reply(status=202), 7, "--respond 202")
    assert json.loads(body) == {"ok": True, "id": 7}
    assert answer_body(Reply(status=409, body=b'{"dup": true}'), 7, "") == (b'{"dup": true}', "application/json")
    assert answer_body(Reply(status=409, body=b"busy"), 7, "") == (b"busy", "text/plain")
