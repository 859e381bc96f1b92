"""The wrappers around event data: the v2024-01-01 webhook envelope, its distribution variant and
the customer-activity object.

The event data inside (``data``, or ``data.data`` in an activity) is typed by the event schema the
engine picks from the event type; here it is a free-form object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from inspector.engine.models._base import DocsModel, JsonObject, Opt


class EventSourceUser(DocsModel):
    """Determines the Voucherify user who triggered the event."""

    model_config = ConfigDict(title="Event Source User")

    id: str = Field(
        description="Unique identifier of the user.", examples=["user_xyzfghSTprSTUVWXYlk6tuvXYst7FGH7"]
    )


class EventSourceApiKey(DocsModel):
    """Determines the API key used to initiate the event."""

    model_config = ConfigDict(title="Event Source API Key")

    name: str = Field(description="Channel name in the application keys.")
    app_id: str = Field(
        description="Contains the application ID from the Voucherify API key pair.",
        examples=["1XXXX5XX-0XXX-XXXb-X7XX-XX2XXaXXX6XX"],
    )


class EventSource(DocsModel):
    """Contains the source of the object that initiated the event."""

    model_config = ConfigDict(title="Event Source")

    channel: Literal["USER_PORTAL", "API", "CLIENT_API", "INTERNAL"] = Field(
        description="Determines the channel that initiated the event.", examples=["API"]
    )
    user: Opt[EventSourceUser] = Field(
        None, description="Determines the Voucherify user who triggered the event."
    )
    api_key: Opt[EventSourceApiKey] = Field(
        None, description="Determines the API key used to initiate the event."
    )


class WebhookSource(DocsModel):
    """What delivered this request: a project-settings webhook or a distribution."""

    model_config = ConfigDict(title="Webhook Source")

    id: str = Field(
        description=(
            "Identifier of the webhook configuration (or of the distribution) that sent this "
            "request."
        )
    )
    object: str = Field(
        description=(
            "Kind of sender: a webhook configured in Project settings, or 'distribution' for a "
            "webhook sent by a distribution, in which case the envelope's type is the name the "
            "user gave that webhook and event.type carries the event type."
        ),
        examples=["webhook", "distribution"],
    )
    target_url: Opt[str] = Field(None, description="The URL this request was sent to.")


class WebhookEvent(DocsModel):
    """The event that caused this delivery, as Voucherify logged it."""

    model_config = ConfigDict(title="Event")

    id: str = Field(description="Unique identifier of the event, as shown in Voucherify logs.")
    type: str = Field(
        description="The event type, for example customer.holder.assignment.created.",
        examples=["customer.holder.assignment.created"],
    )
    created_at: datetime = Field(
        description="Timestamp of the event in the ISO 8601 format.",
        examples=["2024-07-19T12:19:07.002Z"],
    )
    entity_id: Opt[str] = Field(
        None,
        description="Identifier of the resource the event is about (a customer, a voucher, ...).",
    )
    group_id: Opt[str] = Field(
        None,
        description=(
            "Identifier shared by all events caused by one operation (one API request or one "
            "action in the dashboard)."
        ),
    )
    event_source: EventSource = Field(
        description="Contains the source of the object that initiated the event."
    )


class WebhookEnvelope(DocsModel):
    """A webhook request body, version 2024-01-01."""

    model_config = ConfigDict(title="Webhook Envelope (v2024-01-01)")

    id: str = Field(
        description=(
            "Unique identifier of this webhook delivery. Retries of one delivery carry the same id: "
            "use it to process each delivery once."
        )
    )
    project_id: str = Field(description="Identifier of the Voucherify project the event belongs to.")
    created_at: datetime = Field(
        description="Timestamp of the delivery in the ISO 8601 format.",
        examples=["2024-07-19T12:19:07.102Z"],
    )
    type: str = Field(
        description=(
            "The event type (for a distribution: the name the user gave the webhook; the event "
            "type is then in event.type)."
        ),
        examples=["customer.holder.assignment.created"],
    )
    data: JsonObject = Field(description="The event data object; its schema depends on the event type.")
    source: WebhookSource = Field(
        description="What delivered this request: a project-settings webhook or a distribution."
    )
    event: WebhookEvent = Field(description="The event that caused this delivery.")


class ActivityData(DocsModel):
    """The data of a customer activity: the event data and its source."""

    model_config = ConfigDict(title="Customer Activity Data")

    data: JsonObject = Field(description="The event data object; its schema depends on the event type.")
    event_source: Opt[EventSource] = Field(
        None, description="Contains the source of the object that initiated the event."
    )


class CustomerActivity(DocsModel):
    """A customer activity, as the List Customer Activity endpoint returns it."""

    model_config = ConfigDict(title="Customer Activity")

    id: str = Field(description="Unique identifier of the customer activity.", examples=["evcus_0c9"])
    type: str = Field(
        description="The event type of this activity.", examples=["customer.holder.assignment.created"]
    )
    data: ActivityData = Field(description="The event data and the source of the event.")
    created_at: datetime = Field(
        description="Timestamp of the activity in the ISO 8601 format.",
        examples=["2024-07-19T12:19:07.002Z"],
    )
    group_id: Opt[str] = Field(
        None, description="Identifier shared by all events caused by one operation."
    )


FORM_MODELS: dict[str, type[DocsModel]] = {
    "envelope": WebhookEnvelope,
    "distribution": WebhookEnvelope,
    "activity": CustomerActivity,
}
