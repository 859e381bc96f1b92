"""Regenerates the sample payloads from the docs example (run: python samples/_generate.py).

Valid samples: the docs' example of each event as bare data, wrapped as a v2024-01-01 envelope,
as a customer activity, plus a distribution envelope and a legacy envelope. Invalid samples:
each kind of error and warning the engine reports, named after what they hold.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).parent
created = json.loads((HERE / "holder-assignment-created.data.json").read_text())

# The deleted event's docs page gives an example per field; this payload assembles them.
deleted = copy.deepcopy(created)
deleted["holder"].update(
    {
        "id": "rh_0e7b8db4700106a852",
        "created_at": "2024-03-22T17:48:25.910Z",
        "redeemable_id": "v_GXVguPhq2khgFxH7GrRXWA91gDr1LiA1",
        "campaign_id": "camp_weer1c3p5ZgktqfW56RfoNaG",
        "customer_id": "cust_p1ufreYbVbwZ1x70nFkH9rF9",
        "holder_role": "REFERRER",
    }
)
deleted["voucher"].update(
    {
        "id": "v_GXVguPhq2khgFxH7GrRXWA91gDr1LiA1",
        "campaign_id": "camp_weer1c3p5ZgktqfW56RfoNaG",
        "holder_id": "cust_eWgXlBBiY6THFRJwX45Iakv4",
        "referrer_id": "cust_nM4jqPiaXUvQdVSA6vTRUnix",
        "category_id": "cat_0b6152ce12414820dc",
    }
)
deleted["campaign"]["id"] = "camp_weer1c3p5ZgktqfW56RfoNaG"
deleted["customer"]["id"] = "cust_p1ufreYbVbwZ1x70nFkH9rF9"


def envelope(event_type: str, data: dict, *, n: int, distribution: bool = False) -> dict:
    return {
        "id": f"wh_evt_0f1e2d3c4b5a69{n:04d}",
        "project_id": "proj_b2aCq3mZ",
        "created_at": "2024-07-19T12:19:07.412Z",
        "type": "Referral holder sync" if distribution else event_type,
        "data": data,
        "source": {
            "id": "distr_7Nq0FE2xNRbHb0VdKqPv" if distribution else "wh_0d7c3b9a1e2f",
            "object": "distribution" if distribution else "webhook",
            "target_url": "https://example.com/webhooks/voucherify",
        },
        "event": {
            "id": f"evcus_0f147785a5c966e4{n:02d}",
            "type": event_type,
            "created_at": "2024-07-19T12:19:07.002Z",
            "entity_id": data["customer"]["id"],
            "group_id": "v-0f147785a5c966e4b2",
            "event_source": {
                "channel": "API",
                "api_key": {"name": "Backend", "app_id": "1XXXX5XX-0XXX-XXXb-X7XX-XX2XXaXXX6XX"},
            },
        },
    }


def activity(event_type: str, data: dict, *, n: int) -> dict:
    return {
        "id": f"evcus_0f147785a5c966e4{n:02d}",
        "type": event_type,
        "data": {"data": data, "event_source": {"channel": "USER_PORTAL", "user": {"id": "user_xyzfghSTprSTUVWXYlk6tuvXYst7FGH7"}}},
        "created_at": "2024-07-19T12:19:07.002Z",
        "group_id": "v-0f147785a5c966e4b2",
    }


def write(name: str, payload: object) -> None:
    (HERE / name).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


C, D = "customer.holder.assignment.created", "customer.holder.assignment.deleted"
write("holder-assignment-deleted.data.json", deleted)
# samples/ is not installed: the docs' examples of the built-in events also ship inside the package,
# where ``trigger`` (inspector/engine/examples.py) finds them.
(HERE.parent / "inspector" / "engine" / "models" / "holder_assignment.examples.json").write_text(
    json.dumps({C: created, D: deleted}, indent=2, ensure_ascii=False) + "\n"
)
write("holder-assignment-created.envelope.json", envelope(C, created, n=1))
write("holder-assignment-deleted.envelope.json", envelope(D, deleted, n=2))
write("holder-assignment-created.activity.json", activity(C, created, n=3))
write("holder-assignment-deleted.activity.json", activity(D, deleted, n=4))
write("holder-assignment-created.distribution.json", envelope(C, created, n=5, distribution=True))
write(
    "legacy-envelope.json",
    {
        "id": "wh_evt_legacy01",
        "object": "event",
        "webhook_id": "wh_0d7c3b9a1e2f",
        "project_id": "proj_b2aCq3mZ",
        "created_at": "2023-05-04T10:11:12.000Z",
        "type": "customer.created",
        "data": {"object": {"id": "cust_1", "object": "customer"}, "related_object": None},
        "metadata": {"source": "API"},
    },
)

# -- invalid samples: one file per kind of finding ---------------------------------------------

bad = envelope(C, copy.deepcopy(created), n=10)
del bad["data"]["holder"]["customer_id"]
del bad["data"]["voucher"]["code"]
del bad["event"]["event_source"]
write("invalid-missing-required.envelope.json", bad)

bad = envelope(C, copy.deepcopy(created), n=11)
bad["data"]["voucher"]["active"] = "yes"
bad["data"]["voucher"]["discount"]["amount_off"] = "900"
bad["data"]["voucher"]["redemption"]["redeemed_quantity"] = 1.5
bad["data"]["campaign"]["metadata"] = []
write("invalid-wrong-types.envelope.json", bad)

bad = envelope(C, copy.deepcopy(created), n=12)
bad["data"]["holder"]["holder_role"] = "FRIEND"
bad["data"]["voucher"]["type"] = "COUPON"
bad["event"]["event_source"]["channel"] = "WEB"
write("invalid-enum-values.envelope.json", bad)

bad = envelope(C, copy.deepcopy(created), n=13)
bad["data"]["holder"]["created_at"] = "19/07/2024 12:19"
bad["data"]["voucher"]["updated_at"] = "2024-02-30T10:00:00Z"
bad["created_at"] = "2024-07-19"
write("invalid-date-times.envelope.json", bad)

bad = envelope(C, copy.deepcopy(created), n=14)
bad["data"]["voucher"]["discount"] = {"type": "BOGO", "effect": "APPLY_TO_ORDER", "amount_off": 900}
write("invalid-discount-discriminator.envelope.json", bad)

warn = envelope(C, copy.deepcopy(created), n=15)
warn["data"]["voucher"]["campaign"] = None
warn["data"]["voucher"]["loyalty_tier"] = "gold"
warn["data"]["customer"]["phone"] = "+48 600 000 000"
warn["data"]["voucher"]["metadata"] = {"order_ref": 12345678901234567890123456789012345678901}
write("warnings-null-unknown-field-big-number.envelope.json", warn)

hostile = copy.deepcopy(created)
hostile["customer"]["name"] = "[@click=app.quit]x"
hostile["customer"]["email"] = "\x1b]52;c;aGk=\x07evil@example.com"
hostile["customer"]["metadata"] = {
    "[/": "[bold]b",
    "\x1b[2J": "clear screen",
    "bidi\u202eoverride": "gnirts",
    "long": "x" * 10000,
}
write("hostile-strings.data.json", hostile)

(HERE / "invalid-json-trailing-comma.json").write_text('{\n  "holder": {"id": "rh_1",},\n  "voucher": {}\n}\n')

lines = [
    envelope(C, created, n=20),
    envelope(D, deleted, n=21),
    envelope(C, created, n=20),  # a retry: same envelope id
    json.loads((HERE / "invalid-enum-values.envelope.json").read_text()),
    activity(D, deleted, n=22),
]
text = "\n".join(json.dumps(x, separators=(",", ":")) for x in lines) + "\n" + '{"truncated": \n'
(HERE / "events.ndjson").write_text(text)
