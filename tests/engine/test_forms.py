"""Payload forms: which shape a payload has decides where the event data and its type are."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from inspector.engine.analyze import Engine, detect_form
from tests.engine.conftest import SAMPLES, codes_at


@pytest.mark.parametrize(
    ("sample", "form", "event_type"),
    [
        ("holder-assignment-created.data.json", "data", "customer.holder.assignment.*"),
        ("holder-assignment-deleted.data.json", "data", "customer.holder.assignment.*"),
        ("holder-assignment-created.envelope.json", "envelope", "customer.holder.assignment.created"),
        ("holder-assignment-deleted.envelope.json", "envelope", "customer.holder.assignment.deleted"),
        ("holder-assignment-created.distribution.json", "distribution", "customer.holder.assignment.created"),
        ("holder-assignment-created.activity.json", "activity", "customer.holder.assignment.created"),
        ("holder-assignment-deleted.activity.json", "activity", "customer.holder.assignment.deleted"),
        ("legacy-envelope.json", "legacy", "customer.created"),
    ],
)
def test_valid_samples(engine: Engine, sample: str, form: str, event_type: str) -> None:
    [result] = engine.analyze_bytes((SAMPLES / sample).read_bytes(), source=sample)
    assert (result.form, result.event_type, result.errors) == (form, event_type, 0)
    assert ("info", "form", "") in codes_at(result)


def test_each_form_puts_event_data_at_its_own_pointer(engine: Engine) -> None:
    where = {"data": "/customer/name", "envelope": "/data/customer/name", "activity": "/data/data/customer/name"}
    for form, pointer in where.items():
        name = {"data": "created.data", "envelope": "created.envelope", "activity": "created.activity"}[form]
        [result] = engine.analyze_bytes((SAMPLES / f"holder-assignment-{name}.json").read_bytes())
        assert ("warning", "null", pointer) in codes_at(result)


def test_type_pins_bare_data(engine: Engine, docs_created: dict[str, Any]) -> None:
    result = engine.analyze(docs_created, event_type="customer.holder.assignment.deleted")
    assert result.event_type == "customer.holder.assignment.deleted"
    assert "deleted" in (result.schema.description or "")  # type: ignore[union-attr]
    assert engine.analyze(docs_created, event_type="EVENTS.CUSTOMER.HOLDER.ASSIGNMENT.CREATED").event_type == (
        "customer.holder.assignment.created"
    )


def test_bare_data_of_no_known_event(engine: Engine) -> None:
    result = engine.analyze({"foo": 1})
    assert (result.form, result.event_type, result.errors, result.validated) == ("data", None, 0, False)
    assert ("info", "schema.unknown-event", "") in codes_at(result)


def test_distribution_reads_the_event_type_from_event(engine: Engine) -> None:
    payload = json.loads((SAMPLES / "holder-assignment-created.distribution.json").read_bytes())
    assert payload["type"] == "Referral holder sync"
    result = engine.analyze(payload)
    assert result.event_type == "customer.holder.assignment.created"
    assert not [i for i in result.issues if i.code == "event-type.mismatch"]


def test_envelope_whose_event_type_differs(engine: Engine, envelope: Callable[..., dict[str, Any]]) -> None:
    env = envelope()
    env["event"]["type"] = "customer.holder.assignment.deleted"
    assert ("warning", "event-type.mismatch", "/event/type") in codes_at(engine.analyze(env))


def test_event_type_without_schema_is_info_and_the_envelope_is_still_checked(
    engine: Engine, envelope: Callable[..., dict[str, Any]]
) -> None:
    env = envelope("voucher.published")
    env["data"] = {"voucher": {"code": "X"}}
    del env["project_id"]
    result = engine.analyze(env)
    assert ("info", "schema.none", "") in codes_at(result)
    assert ("error", "required", "/project_id") in codes_at(result)
    assert result.errors == 1


def test_legacy_is_labelled_not_validated(engine: Engine) -> None:
    result = engine.analyze({"id": "x", "object": "event", "webhook_id": "wh", "type": "voucher.created", "data": {"bogus": 1}})
    assert result.form == "legacy"
    assert {i.code for i in result.issues} == {"form", "form.legacy"}


@pytest.mark.parametrize(
    ("payload", "form"),
    [
        ([], "unknown"),
        ("text", "unknown"),
        ({"type": "x", "data": {}, "project_id": "p"}, "envelope"),
        ({"type": "x", "data": {}, "source": {"object": "distribution"}, "event": {}}, "distribution"),
        ({"type": "x", "data": {"data": {}, "event_source": {}}, "group_id": "g"}, "activity"),
        ({"object": "event", "webhook_id": "w"}, "legacy"),
        ({"holder": {}}, "data"),
    ],
)
def test_detect_form(payload: Any, form: str) -> None:
    assert detect_form(payload) == form


@pytest.mark.parametrize("payload", [[{"a": 1}], "text", 42, None])
def test_top_level_non_object_is_an_error(engine: Engine, payload: Any) -> None:
    result = engine.analyze(payload)
    assert result.form == "unknown"
    assert ("error", "payload.not-object", "") in codes_at(result)
