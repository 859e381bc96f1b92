"""``voucherify-inspect trigger`` against a real handler on 127.0.0.1 that verifies signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from inspector.cli.main import main
from inspector.engine.inputs import make_engine

from .conftest import FIXTURE_SPEC, HOLDER, SECRET, Handler

Capsys = pytest.CaptureFixture[str]


def trigger(*argv: str) -> int:
    return main(["trigger", *argv])


def received_json(handler: Handler, i: int = 0) -> Any:
    return json.loads(handler.received[i].body)


# -- what is sent -----------------------------------------------------------------------------------------


def test_a_built_in_event_arrives_signed_compact_and_valid(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(handler.received) == 1
    got = handler.received[0]
    assert got.signature_ok
    assert got.headers["Content-Type"] == "application/json"
    payload = json.loads(got.body)
    assert got.body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()  # compact
    assert payload["type"] == HOLDER and payload["id"].startswith("whs_")
    assert payload["source"]["target_url"] == handler.at("/webhooks")
    assert make_engine(None).analyze(payload).errors == 0
    lines = out.splitlines()
    assert re.fullmatch(r"HTTP 200 OK in \d+ ms", lines[0])
    assert "content-type: application/json; charset=utf-8" in lines
    assert any(line.startswith("content-length: ") for line in lines)
    assert json.loads(lines[-1]) == {"received": payload["id"]}
    assert "the docs' example (built in)" in err and "0 errors" in err


@pytest.mark.parametrize("form", ["envelope", "distribution", "data"])
def test_each_form(handler: Handler, capsys: Capsys, form: str) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET, "--form", form)
    assert code == 0, capsys.readouterr().err
    payload = received_json(handler)
    analysis = make_engine(None).analyze(payload, event_type=HOLDER if form == "data" else None)
    assert (analysis.form, analysis.event_type, analysis.errors) == (form, HOLDER, 0)
    if form == "data":
        assert "holder" in payload and "id" not in payload
    if form == "distribution":
        assert payload["source"]["object"] == "distribution" and payload["event"]["type"] == HOLDER


def test_a_spec_type_sends_the_specs_example(handler: Handler, capsys: Capsys) -> None:
    code = trigger("EVENTS.SHOP.ORDER.CREATED", "--spec", str(FIXTURE_SPEC), "--to", handler.at("/webhooks"), "--secret", SECRET)
    err = capsys.readouterr().err
    assert code == 0, err
    payload = received_json(handler)
    assert payload["type"] == "shop.order.created"
    assert payload["data"]["order"]["id"] == "ord_fixture_1"  # the example without errors
    assert "the spec's example" in err


def test_a_spec_type_without_an_example_is_synthesised(handler: Handler, capsys: Capsys) -> None:
    code = trigger("shop.refund.created", "--spec", str(FIXTURE_SPEC), "--to", handler.at("/webhooks"), "--secret", SECRET)
    err = capsys.readouterr().err
    assert code == 0, err
    assert received_json(handler)["data"]["refund"]["id"] == "rf_0a1b2c"
    assert "synthesised from the schema" in err and "0 errors, 0 warnings" in err


def test_set_nested_values(handler: Handler, capsys: Capsys) -> None:
    code = trigger(
        HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET,
        "--set", "/data/holder/holder_role=REFERRER",
        "--set", "/data/campaign/voucher/discount/amount_off=1500",
        "--set", '/data/voucher/metadata/tier="42"',
        "--set", "/data/voucher/metadata/source/app=web",
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    data = received_json(handler)["data"]
    assert data["holder"]["holder_role"] == "REFERRER"
    assert data["campaign"]["voucher"]["discount"]["amount_off"] == 1500
    assert data["voucher"]["metadata"] == {"tier": "42", "source": {"app": "web"}}
    assert handler.received[0].signature_ok  # signed after the change


def test_set_in_arrays(handler: Handler, capsys: Capsys) -> None:
    code = trigger(
        "shop.order.created", "--spec", str(FIXTURE_SPEC), "--to", handler.at("/webhooks"), "--secret", SECRET,
        "--set", "/data/order/items/0/sku=cup",
        "--set", '/data/order/items/-={"sku": "new", "quantity": 3}',
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    items = received_json(handler)["data"]["order"]["items"]
    assert items == [{"sku": "cup", "quantity": 2}, {"sku": "tee", "quantity": 1}, {"sku": "new", "quantity": 3}]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("/data/order/items/7=x", "--set /data/order/items/7: index 7 is past the end of an array of 2"),
        ("/data/order/id/x=1", "/data/order/id is not an object or array"),
        ('/data/order={"id": ', "not valid JSON"),
        ("data/order=1", "starts with '/'"),
    ],
)
def test_a_bad_set_sends_nothing(handler: Handler, capsys: Capsys, setting: str, message: str) -> None:
    code = trigger("shop.order.created", "--spec", str(FIXTURE_SPEC), "--to", handler.at("/webhooks"), "--set", setting)
    assert code == 2
    assert message in capsys.readouterr().err
    assert handler.received == []


def test_an_invalid_payload_is_refused_with_its_issues(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET, "--set", "/data/holder/holder_role=FRIEND")
    err = capsys.readouterr().err
    assert code == 2
    assert handler.received == []
    assert re.search(r"error\s+/data/holder/holder_role\s+enum", err)
    assert "not sent: the payload has 1 error" in err and "--allow-invalid" in err


def test_allow_invalid_sends_it_anyway(handler: Handler, capsys: Capsys) -> None:
    code = trigger(
        HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET,
        "--set", "/data/holder/holder_role=FRIEND", "--allow-invalid",
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert received_json(handler)["data"]["holder"]["holder_role"] == "FRIEND"


# -- what the handler answered -------------------------------------------------------------------------


def test_dead_port(dead_url: str, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", dead_url, "--secret", SECRET)
    err = capsys.readouterr().err
    assert code == 2
    assert f"not sent: cannot connect to {dead_url} (connection refused)" in err
    assert "hint: is your app running, and listening on that host and port?" in err


def test_401_for_a_wrong_secret(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", "not-the-secret")
    out, err = capsys.readouterr()
    assert code == 1
    assert not handler.received[0].signature_ok
    assert out.startswith("HTTP 401 Unauthorized in ")
    assert '{"error": "invalid signature"}' in out
    assert "hint: the signature was refused" in err and "raw request body" in err


def test_401_when_nothing_was_signed(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"))
    err = capsys.readouterr().err
    assert code == 1
    assert "x-voucherify-signature" not in {k.lower() for k in handler.received[0].headers}
    assert "the webhook is not signed" in err
    assert "hint: nothing was signed" in err


def test_500_with_a_body_shown_safely(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/broken"), "--secret", SECRET)
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith("HTTP 500 Internal Server Error in ")
    assert "Traceback (most recent call last):\n  KeyError: 'holder'\\e[2J\\x07" in out
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "hint: the handler failed" in err


def test_a_handler_that_never_answers(handler: Handler, capsys: Capsys) -> None:
    started = time.monotonic()
    code = trigger(HOLDER, "--to", handler.at("/hang"), "--secret", SECRET, "--timeout", "0.5")
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2
    assert len(handler.received) == 1  # it arrived; the answer did not
    assert f"{handler.at('/hang')} did not answer within 0.5 s" in err
    assert "hint: the handler took too long" in err and "--timeout" in err
    assert elapsed < 8


@pytest.mark.parametrize(
    ("path", "status", "hint"),
    [
        ("/bad-request", "HTTP 400 Bad Request", "does it parse the body before verifying the signature"),
        ("/nowhere", "HTTP 404 Not Found", "nothing at that path"),
        ("/redirect", "HTTP 302 Found", "redirected to /webhooks: redirects are not followed"),
    ],
)
def test_other_statuses_and_their_hints(handler: Handler, capsys: Capsys, path: str, status: str, hint: str) -> None:
    code = trigger(HOLDER, "--to", handler.at(path), "--secret", SECRET)
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(status)
    assert hint in err


def test_the_body_shown_is_cut_at_2_kb(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/big"), "--secret", SECRET)
    out = capsys.readouterr().out
    assert code == 0
    assert "content-length: 5003" in out and "content-type: text/plain; charset=utf-8" in out
    body = out.rstrip("\n").split("\n")[-1]
    assert body == "A" * 2048 + " …"


# -- --count, --dry-run, --edit, secrets -------------------------------------------------------------------


def test_count_sends_distinct_deliveries(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET, "--count", "3")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(handler.received) == 3 and all(r.signature_ok for r in handler.received)
    payloads = [received_json(handler, i) for i in range(3)]
    assert len({p["id"] for p in payloads}) == 3
    assert len({p["event"]["id"] for p in payloads}) == 3
    assert all(p["data"] == payloads[0]["data"] for p in payloads)
    lines = out.splitlines()
    assert len(lines) == 4
    for i, (line, p) in enumerate(zip(lines, payloads), start=1):
        assert re.fullmatch(rf"{i}/3  {p['id']}  HTTP 200 OK in \d+ ms  application/json  \d+ B", line)
    assert re.fullmatch(r"3 deliveries: 3 answered 2xx, 0 another status, 0 not sent; latency min \d+ ms, median \d+ ms, max \d+ ms", lines[3])


def test_count_stops_at_the_first_delivery_that_cannot_be_sent(dead_url: str, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", dead_url, "--count", "5")
    out, err = capsys.readouterr()
    assert code == 2
    assert out.count("connection refused") == 1
    assert "1 delivery: 0 answered 2xx, 0 another status, 1 not sent; stopped: 4 not attempted" in out
    assert err.count("hint: is your app running") == 1


def test_count_with_failures_exits_1(handler: Handler, capsys: Capsys) -> None:
    assert trigger(HOLDER, "--to", handler.at("/broken"), "--count", "2") == 1
    out = capsys.readouterr().out
    assert "2 deliveries: 0 answered 2xx, 2 another status, 0 not sent" in out


def test_dry_run_prints_the_request_and_sends_nothing(handler: Handler, capsys: Capsys) -> None:
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET, "--dry-run", "--count", "2")
    out = capsys.readouterr().out
    assert code == 0
    assert handler.received == []
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) == 4  # headers, body; headers, body
    heads, bodies = blocks[0::2], blocks[1::2]
    for head, body in zip(heads, bodies):
        lines = head.split("\n")
        assert lines[0] == f"POST {handler.at('/webhooks')}"
        assert "content-type: application/json" in lines
        signature = hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
        assert f"x-voucherify-signature: {signature}" in lines
    assert json.loads(bodies[0])["id"] != json.loads(bodies[1])["id"]


def test_dry_run_needs_no_url_and_escapes_what_it_prints(capsys: Capsys) -> None:
    code = trigger(HOLDER, "--dry-run", "--set", "/data/customer/name=bidi\u202eevil", "--set", '/data/customer/email="\\u001b[2J"')
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("POST (no --to given)\n")
    assert "x-voucherify-signature" not in out
    assert "bidi\\u202eevil" in out and "\u202e" not in out and "\x1b" not in out


def test_no_url_without_dry_run(capsys: Capsys) -> None:
    assert trigger(HOLDER) == 2
    assert "give --to URL" in capsys.readouterr().err


def _editor(tmp_path: Path, code: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import json, sys\npath = sys.argv[1]\n" + code)
    return f"{sys.executable} {script}"


def test_edit_opens_the_editor_on_the_payload(handler: Handler, capsys: Capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(
        tmp_path,
        "import os, stat\n"
        "assert stat.S_IMODE(os.stat(path).st_mode) == 0o600\n"
        "doc = json.load(open(path))\n"
        "doc['data']['holder']['holder_role'] = 'REFERRER'\n"
        "json.dump(doc, open(path, 'w'), indent=4)\n",
    )
    monkeypatch.setenv("EDITOR", editor)
    code = trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret", SECRET, "--edit")
    assert code == 0, capsys.readouterr().err
    assert received_json(handler)["data"]["holder"]["holder_role"] == "REFERRER"
    assert handler.received[0].signature_ok


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("open(path, 'w').write('{\"id\": ')\n", "the edited payload is not JSON"),
        ("raise SystemExit(3)\n", "the editor exited with status 3: nothing sent"),
    ],
)
def test_edit_that_goes_wrong_sends_nothing(
    handler: Handler, capsys: Capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, message: str
) -> None:
    monkeypatch.setenv("EDITOR", _editor(tmp_path, code))
    assert trigger(HOLDER, "--to", handler.at("/webhooks"), "--edit") == 2
    assert message in capsys.readouterr().err
    assert handler.received == []


def test_edit_without_an_editor(capsys: Capsys) -> None:
    assert trigger(HOLDER, "--dry-run", "--edit") == 2
    assert "set $EDITOR" in capsys.readouterr().err


def test_secret_file(handler: Handler, capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text(SECRET + "\n")
    assert trigger(HOLDER, "--to", handler.at("/webhooks"), "--secret-file", str(path)) == 0, capsys.readouterr().err
    assert handler.received[0].signature_ok


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--secret-file", "/nonexistent/secret"], "no such secret file"),
        (["--secret-file", "/nonexistent/secret", "--secret", "x"], "not both"),
    ],
)
def test_secret_file_errors(handler: Handler, capsys: Capsys, argv: list[str], message: str) -> None:
    assert trigger(HOLDER, "--to", handler.at("/webhooks"), *argv) == 2
    assert message in capsys.readouterr().err
    assert handler.received == []


# -- unknown types ---------------------------------------------------------------------------------------------


def test_an_unknown_voucherify_type_points_at_spec_fetch(capsys: Capsys) -> None:
    assert trigger("customer.holder.assignment.craeted", "--to", "http://127.0.0.1:9/") == 2
    err = capsys.readouterr().err
    assert "no schema for event type 'customer.holder.assignment.craeted'" in err
    assert "did you mean customer.holder.assignment.created" in err
    assert "voucherify-inspect spec fetch" in err


def test_a_voucherify_type_missing_from_loaded_specs_does_not_suggest_fetch(capsys: Capsys) -> None:
    assert trigger("voucher.published", "--spec", str(FIXTURE_SPEC), "--dry-run") == 2
    err = capsys.readouterr().err
    assert "spec fetch" not in err and "voucherify-inspect spec list" in err


@pytest.mark.parametrize("name", ["shop.ordr.created", "\x1b[2Jcustomer.\u202ecreated", "x" * 300])
def test_an_unknown_type_is_named_safely(capsys: Capsys, name: str) -> None:
    assert trigger(name, "--dry-run") == 2
    err = capsys.readouterr().err
    assert "no schema for event type" in err
    assert "\x1b" not in err and "\u202e" not in err
