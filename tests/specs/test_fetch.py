"""``spec fetch`` against a local HTTP server on 127.0.0.1 serving a hand-written fixture spec:
success, every kind of failure (the old copy kept), and what every command does with the cached
spec afterwards. No other network is touched."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from inspector.cli import main, specfetch
from inspector.cli.spec import fetch
from inspector.engine.fetched import install, load_fetched, read_source, source_path, spec_path
from inspector.engine.inputs import make_engine
from inspector.engine.registry import builtin_registry
from inspector.engine.specs import SpecError

HERE = Path(__file__).resolve().parent
SPEC = (HERE / "fixture-fetch.json").read_bytes()
PAID = {
    "id": "whs_1",
    "project_id": "proj_1",
    "created_at": "2024-01-15T12:20:39Z",
    "type": "shop.order.paid",
    "data": {"order": {"id": "ord_1", "status": "PAID"}, "paid_at": "yesterday", "amount": 5},
    "source": {"id": "wh_1", "object": "webhook"},
    "event": {"id": "evt_1", "type": "shop.order.paid", "created_at": "2024-01-15T12:20:38Z", "group_id": "g", "entity_id": "ord_1", "event_source": {"channel": "API"}},
}
BROKEN_ONE = json.dumps(
    {
        "openapi": "3.1.0",
        "webhooks": {
            "EVENTS.GOOD.ONE": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "title": "Good"}}}}}},
            "EVENTS.BAD.ONE": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}},
        },
    }
).encode()


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _send(self, status: int, body: bytes, *, length: int | None = None, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.requests.append(self.path)
        if self.path in ("/spec.json", "/voucherifyio/voucherify-openapi/v2024/reference/OpenAPIWebhooks.json"):
            self._send(200, SPEC)
        elif self.path == "/missing":
            self._send(404, b"Not Found", ctype="text/plain")
        elif self.path == "/slow":
            self.release.wait(10)  # bounded: the fixture releases it at teardown
            self._send(200, SPEC)
        elif self.path == "/truncated":
            self._send(200, SPEC[: len(SPEC) // 2], length=len(SPEC))
            self.close_connection = True
        elif self.path == "/not-openapi":
            self._send(200, json.dumps({"name": "left-pad", "version": "1.3.0"}).encode())
        elif self.path == "/html":
            self._send(200, b"<!doctype html><title>Rate limited</title>", ctype="text/html")
        elif self.path == "/no-events":
            self._send(200, json.dumps({"openapi": "3.1.0", "paths": {"/v1/vouchers": {}}}).encode())
        elif self.path == "/broken-one":
            self._send(200, BROKEN_ONE)
        else:
            self._send(404, b"")


class Server:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[str] = []
        handler = type("Handler", (_Handler,), {"release": self.release, "requests": self.requests})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    srv = Server()
    srv.thread.start()
    yield srv
    srv.release.set()
    srv.httpd.shutdown()
    srv.httpd.server_close()
    srv.thread.join(5)


def _payload(tmp_path: Path) -> str:
    path = tmp_path / "paid.json"
    path.write_text(json.dumps(PAID))
    return str(path)


def test_the_cache_lives_in_the_user_cache_dir_the_environment_names(tmp_path: Path) -> None:
    assert spec_path() == tmp_path / "xdg-cache" / "voucherify-inspect" / "OpenAPIWebhooks.json"
    assert source_path().parent == spec_path().parent


def test_fetch_caches_the_spec_records_its_source_and_says_what_it_got(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert main(["spec", "fetch", "--from", server("/spec.json")]) == 0
    out = capsys.readouterr().out
    assert f"fetched {len(SPEC) / 1024:,.0f} KB from {server('/spec.json')}: 3 event types" in out
    assert str(spec_path()) in out
    assert spec_path().read_bytes() == SPEC
    record = json.loads(source_path().read_text())
    assert record["url"] == server("/spec.json") and record["ref"] is None
    assert record["size"] == len(SPEC) and record["events"] == 3
    fetched_at = dt.datetime.strptime(record["fetched_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert before <= fetched_at <= dt.datetime.now(dt.timezone.utc)
    assert server.requests == ["/spec.json"]


def test_ref_picks_a_version_of_the_default_repository(server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The default URL's shape, pointed at the local server instead of GitHub.
    monkeypatch.setattr(specfetch, "RAW_URL", server.url + "/{repo}/{ref}/{file}")
    assert main(["spec", "fetch", "--ref", "v2024"]) == 0
    assert "(ref v2024): 3 event types" in capsys.readouterr().out
    assert server.requests == ["/voucherifyio/voucherify-openapi/v2024/reference/OpenAPIWebhooks.json"]
    assert read_source() is not None and read_source().ref == "v2024"  # type: ignore[union-attr]


def test_the_default_source_is_the_raw_file_on_master() -> None:
    source = specfetch.resolve(None, None)
    assert source.location == "https://raw.githubusercontent.com/voucherifyio/voucherify-openapi/master/reference/OpenAPIWebhooks.json"
    assert source.ref == "master" and not source.is_file
    assert specfetch.resolve(None, "a1b2c3d").location.endswith("/voucherify-openapi/a1b2c3d/reference/OpenAPIWebhooks.json")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "https://example.invalid/x.json", "--ref", "main"], "--ref picks a branch, tag or commit"),
        (["--ref", "bad ref"], "is not a branch, tag or commit name"),
        (["--from", "ftp://example.invalid/x.json"], "not a ftp: URL"),
        (["--timeout", "0"], "--timeout must be a positive number"),
    ],
)
def test_bad_options_exit_2_without_touching_the_network(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "fetch", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not spec_path().exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/slow", "no complete answer within 0.3 s"),
        ("/truncated", f"the download was cut short ({len(SPEC) // 2:,} of {len(SPEC):,} bytes)"),
        ("/not-openapi", "not an OpenAPI 3.x document (no 'openapi' version field)"),
        ("/html", "not valid JSON (line 1, column 1"),
        ("/no-events", "defines no webhook events"),
    ],
)
def test_a_failed_fetch_keeps_the_old_copy_and_says_why(
    server: Server, capsys: pytest.CaptureFixture[str], path: str, message: str
) -> None:
    assert main(["spec", "fetch", "--from", server("/spec.json")]) == 0
    kept_spec, kept_record = spec_path().read_bytes(), source_path().read_bytes()
    capsys.readouterr()
    started = time.monotonic()
    assert main(["spec", "fetch", "--timeout", "0.3", "--from", server(path)]) == 2
    assert time.monotonic() - started < 5
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert f"the copy fetched on {json.loads(kept_record)['fetched_at'][:10]} is kept" in captured.err
    assert "Traceback" not in captured.err
    assert spec_path().read_bytes() == kept_spec and source_path().read_bytes() == kept_record
    assert sorted(p.name for p in spec_path().parent.iterdir()) == sorted([spec_path().name, source_path().name])


def test_a_failed_first_fetch_caches_nothing(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "fetch", "--from", server("/missing")]) == 2
    assert "nothing was cached" in capsys.readouterr().err
    assert not spec_path().exists() and not source_path().exists()


def test_a_refused_connection_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = srv.server_address[1]
    srv.server_close()  # nothing listens on the port any more
    assert main(["spec", "fetch", "--from", f"http://127.0.0.1:{port}/spec.json"]) == 2
    assert "cannot connect (" in capsys.readouterr().err


def test_from_a_local_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "mirror.json"
    copy.write_bytes(SPEC)
    assert main(["spec", "fetch", "--from", str(copy)]) == 0
    assert "3 event types" in capsys.readouterr().out
    assert read_source().url == str(copy)  # type: ignore[union-attr]
    assert main(["spec", "fetch", "--from", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_event_that_cannot_compile_is_set_aside_and_the_rest_kept(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "fetch", "--from", server("/broken-one")]) == 0
    out = capsys.readouterr().out
    assert "1 event types" in out and "1 event set aside" in out
    assert "EVENTS.BAD.ONE: $ref '#/components/schemas/Gone' points at nothing" in out
    engine = make_engine()
    assert "good.one" in engine.registry and "bad.one" not in engine.registry


def test_progress_is_shown_on_a_terminal_only(server: Server) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err, out = Tty(), io.StringIO()
    assert fetch(server("/spec.json"), None, timeout=5, out=out, err=err) == 0
    assert "downloading " + server("/spec.json") in err.getvalue()
    assert f"{len(SPEC) / 1024:,.0f} KB of {len(SPEC) / 1024:,.0f} KB" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[K")  # the progress line is cleared
    quiet = io.StringIO()
    assert fetch(server("/spec.json"), None, timeout=5, out=out, err=quiet) == 0
    assert quiet.getvalue() == ""


# -- what the commands do with the cached spec ------------------------------------------------------


def test_every_command_loads_the_fetched_spec_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _payload(tmp_path)
    assert main(["validate", "--format", "json", payload]) == 0
    [before] = json.loads(capsys.readouterr().out)["results"]
    assert [i["code"] for i in before["issues"]] == ["form", "schema.none"]
    assert "voucherify-inspect spec fetch" in before["issues"][1]["message"]

    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    assert main(["validate", "--format", "json", payload]) == 1
    [after] = json.loads(capsys.readouterr().out)["results"]
    assert ("error", "format.date-time", "/data/paid_at") in {(i["severity"], i["code"], i["pointer"]) for i in after["issues"]}

    assert main(["validate", "--no-fetched-spec", "--format", "json", payload]) == 0
    [off] = json.loads(capsys.readouterr().out)["results"]
    assert [i["code"] for i in off["issues"]] == ["form", "schema.none"]
    assert "--no-fetched-spec" in off["issues"][1]["message"]


@pytest.mark.parametrize("command", ["open", "validate", "listen", "history", "docs", ["spec", "list"]])
def test_every_command_takes_no_fetched_spec(command: str | list[str]) -> None:
    from inspector.cli.main import build_parser

    argv = command if isinstance(command, list) else [command]
    extra = {"validate": ["x.json"], "docs": ["shop.order.paid"]}.get(argv[0], [])
    args = build_parser().parse_args([*argv, "--no-fetched-spec", *extra])
    assert args.fetched_spec is False
    assert build_parser().parse_args([*argv, *extra]).fetched_spec is True


def test_spec_adds_to_the_fetched_spec_and_wins_over_it(tmp_path: Path) -> None:
    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"openapi": "3.1.0", "webhooks": {
        "EVENTS.SHOP.REFUND.CREATED": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "title": "Mine"}}}}}},
        "EVENTS.MINE.ONLY": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}},
    }}))
    registry = make_engine([str(other)]).registry
    assert registry.get("shop.refund.created").origin == str(other)  # type: ignore[union-attr]
    assert registry.get("shop.order.paid").origin.startswith("fetched ")  # type: ignore[union-attr]
    assert "mine.only" in registry


def test_spec_list_names_each_origin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record, _doc = install(SPEC, url="https://mirror.example/spec.json", ref=None, name="fixture")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"openapi": "3.1.0", "webhooks": {"EVENTS.MINE.ONLY": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}}}))
    assert main(["spec", "list", "--spec", str(other)]) == 0
    out = capsys.readouterr().out
    origins = {line.split()[0]: line.split()[1:3] for line in out.splitlines() if line and not line[0].isspace() and "event types" not in line}
    assert origins["customer.holder.assignment.created"][0] == "built-in"
    assert origins["mine.only"][0] == str(other)
    assert origins["shop.order.paid"] == ["fetched", record.date]
    assert f"3 from the spec fetched on {record.fetched_at[:10]} " in out and "from https://mirror.example/spec.json" in out
    assert main(["spec", "list", "--no-fetched-spec"]) == 0
    out = capsys.readouterr().out
    assert "shop.order.paid" not in out and "(the fetched spec is off: --no-fetched-spec)" in out


def test_the_fetched_spec_loads_lazily_and_keeps_the_docs_examples() -> None:
    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    registry = builtin_registry()
    loaded = load_fetched(registry)
    assert loaded is not None and loaded.added == ["shop.order.paid", "shop.refund.created", "shop.order.shipped"]
    paid = registry.get("shop.order.paid")
    assert paid is not None and paid._schema is None  # nothing compiled at start
    assert [e["amount"] for e in paid.examples] == [1500, 0]
    assert registry.get("shop.refund.created").examples == ({"id": "rf_1", "amount": 500},)  # type: ignore[union-attr]
    assert registry.get("shop.order.shipped").examples[0]["carrier"] == "post"  # type: ignore[union-attr]
    assert paid.schema.title == "Shop Order Paid"


def test_the_docs_examples_validate_against_their_own_schema() -> None:
    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    engine = make_engine()
    for entry in engine.registry:
        for example in entry.examples:
            result = engine.analyze(example, event_type=entry.event_type)
            assert (entry.event_type, result.errors, result.warnings) == (entry.event_type, 0, 0)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda: spec_path().write_bytes(SPEC.replace(b"Order paid", b"Order pwnd")), "was changed since it was fetched"),
        (lambda: source_path().unlink(), "has no source record"),
        (lambda: source_path().write_text("{"), "cannot be read"),
        (lambda: source_path().write_text(json.dumps({**json.loads(source_path().read_text()), "format": 0})), "another version"),
    ],
)
def test_a_damaged_cache_is_a_warning_and_the_command_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: object, message: str
) -> None:
    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    damage()  # type: ignore[operator]
    assert main(["validate", _payload(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("voucherify-inspect: warning: ") and message in err and "spec fetch" in err
    with pytest.raises(SpecError):
        load_fetched(builtin_registry())


def test_a_fetch_repairs_a_damaged_cache_and_a_failed_one_leaves_it(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install(SPEC, url="http://127.0.0.1/spec.json", ref=None, name="fixture")
    source_path().write_text("{")
    assert main(["spec", "fetch", "--from", server("/missing")]) == 2
    assert "the cached copy is left as it was" in capsys.readouterr().err
    assert source_path().read_text() == "{"
    assert main(["spec", "fetch", "--from", server("/spec.json")]) == 0
    capsys.readouterr()
    assert main(["validate", _payload(tmp_path)]) == 1
    assert capsys.readouterr().err == ""
