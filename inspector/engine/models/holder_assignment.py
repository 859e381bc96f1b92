"""Event data of ``customer.holder.assignment.created`` and ``.deleted``, as Voucherify documents it.

Field names, JSON types, enums, required lists, nullability, descriptions and examples follow the
docs pages of the two events (the OpenAPI schema ``EventCustomerHolderAssignmentCreatedData`` and
the objects it references). Where the docs give a field no description, the description here says
so in brackets. Both events share one schema; only the titles differ.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field

from inspector.engine.models._base import ClosedDocsModel, DocsModel, JsonObject, Opt

VoucherType = Literal["DISCOUNT_VOUCHER", "LOYALTY_CARD", "GIFT_VOUCHER"]

_NO_DOCS = "[Not described in the docs.]"


# -- discounts -----------------------------------------------------------------------------------


class SimpleProductDiscountUnit(DocsModel):
    """Simplified product discount unit data."""

    model_config = ConfigDict(title="Simple Product Discount Unit")

    id: str = Field(description="Unique product ID, assigned by Voucherify.")
    source_id: Opt[str] = Field(None, description="Product's source ID.")
    name: str = Field(description="Product name.")


class SimpleSkuDiscountUnit(DocsModel):
    """Simplified SKU discount unit data."""

    model_config = ConfigDict(title="Simple SKU Discount Unit")

    id: str = Field(description="Unique SKU ID, assigned by Voucherify.")
    source_id: Opt[str] = Field(None, description="Product variant's source ID.")
    name: str = Field(description="SKU name.")


class DiscountAmount(DocsModel):
    """Amount discount."""

    model_config = ConfigDict(title="Amount")

    type: Literal["AMOUNT"] = Field(description="Defines the type of the voucher.")
    amount_off: float = Field(
        description=(
            "Amount taken off the subtotal of a price. Value is multiplied by 100 to precisely "
            "represent 2 decimal places. For example, a $10 discount is written as 1000."
        )
    )
    amount_off_formula: Opt[str] = Field(
        None, description=f"Formula that computes amount_off from order data. {_NO_DOCS}"
    )
    aggregated_amount_limit: Opt[int] = Field(None, description="Maximum discount amount per order.")
    effect: Opt[
        Literal[
            "APPLY_TO_ORDER",
            "APPLY_TO_ITEMS",
            "APPLY_TO_ITEMS_PROPORTIONALLY",
            "APPLY_TO_ITEMS_PROPORTIONALLY_BY_QUANTITY",
            "APPLY_TO_ITEMS_BY_QUANTITY",
        ]
    ] = Field(None, description="Defines how the discount is applied to the customer's order.")
    is_dynamic: Opt[bool] = Field(
        None, description="Flag indicating whether the discount was calculated using a formula."
    )


class DiscountUnit(DocsModel):
    """Unit discount for one product or SKU."""

    model_config = ConfigDict(title="Unit")

    type: Literal["UNIT"] = Field(description="Discount type.")
    unit_off: Opt[int] = Field(None, description="Number of units granted a full value discount.")
    unit_off_formula: Opt[str] = Field(
        None, description=f"Formula that computes unit_off from order data. {_NO_DOCS}"
    )
    effect: Opt[Literal["ADD_MISSING_ITEMS", "ADD_NEW_ITEMS", "ADD_MANY_ITEMS"]] = Field(
        None, description="Defines how the unit is added to the customer's order."
    )
    unit_type: str = Field(
        description="The product deemed as free, chosen from product inventory (e.g. time, items)."
    )
    product: Opt[SimpleProductDiscountUnit] = Field(
        None, description="Contains information about the product."
    )
    sku: Opt[SimpleSkuDiscountUnit] = Field(None, description="Simplified SKU discount unit data.")
    is_dynamic: Opt[bool] = Field(
        None, description="Flag indicating whether the discount was calculated using a formula."
    )


class DiscountUnitMultipleOneUnit(DocsModel):
    """One unit of a multiple-unit discount."""

    model_config = ConfigDict(title="One Unit")

    unit_off: Opt[float] = Field(None, description="Number of units granted a full value discount.")
    unit_off_formula: Opt[str] = Field(
        None, description=f"Formula that computes unit_off from order data. {_NO_DOCS}"
    )
    effect: Literal["ADD_NEW_ITEMS", "ADD_MISSING_ITEMS"] = Field(
        description="Defines how the unit is added to the customer's order."
    )
    unit_type: str = Field(
        description="The product deemed as free, chosen from product inventory (e.g. time, items)."
    )
    product: Opt[SimpleProductDiscountUnit] = Field(
        None, description="Contains information about the product."
    )
    sku: Opt[SimpleSkuDiscountUnit] = Field(None, description="Contains information about the sku.")


class DiscountUnitMultiple(DocsModel):
    """Unit discount for several products (``units``)."""

    model_config = ConfigDict(title="Unit Multiple")

    type: Literal["UNIT"] = Field(description="Discount type.")
    effect: Opt[Literal["ADD_MANY_ITEMS"]] = Field(
        None, description="Defines how the discount is applied to the customer's order."
    )
    units: list[DiscountUnitMultipleOneUnit] = Field(
        description=f"The units granted by this discount, one entry per product or SKU. {_NO_DOCS}"
    )


class DiscountPercent(DocsModel):
    """Percent discount."""

    model_config = ConfigDict(title="Percent")

    type: Literal["PERCENT"] = Field(description="Defines the type of the voucher.")
    percent_off: float = Field(description="The percent discount that the customer will receive.")
    percent_off_formula: Opt[str] = Field(
        None, description=f"Formula that computes percent_off from order data. {_NO_DOCS}"
    )
    amount_limit: Opt[float] = Field(
        None,
        description=(
            "Upper limit allowed to be applied as a discount. Value is multiplied by 100 to "
            "precisely represent 2 decimal places. For example, a $6 maximum discount is written "
            "as 600."
        ),
    )
    aggregated_amount_limit: Opt[int] = Field(None, description="Maximum discount amount per order.")
    effect: Opt[Literal["APPLY_TO_ORDER", "APPLY_TO_ITEMS"]] = Field(
        None, description="Defines how the discount is applied to the customer's order."
    )
    is_dynamic: Opt[bool] = Field(
        None, description="Flag indicating whether the discount was calculated using a formula."
    )


class DiscountFixed(DocsModel):
    """Fixed-amount discount."""

    model_config = ConfigDict(title="Fixed")

    type: Literal["FIXED"] = Field(description="Defines the type of the voucher.")
    fixed_amount: float = Field(
        description=(
            "Sets a fixed value for an order total or the item price. The value is multiplied by "
            "100 to precisely represent 2 decimal places. For example, a $10 discount is written "
            "as 1000. If the fixed amount is calculated by the formula, i.e. the "
            "fixed_amount_formula parameter is present in the fixed amount definition, this value "
            "becomes the fallback value. As a result, if the formula cannot be calculated due to "
            "missing metadata, for example, this value will be used as the fixed value."
        )
    )
    fixed_amount_formula: Opt[str] = Field(
        None, description=f"Formula that computes fixed_amount from order data. {_NO_DOCS}"
    )
    effect: Opt[Literal["APPLY_TO_ORDER", "APPLY_TO_ITEMS"]] = Field(
        None, description="Defines how the discount is applied to the customer's order."
    )
    is_dynamic: Opt[bool] = Field(
        None, description="Flag indicating whether the discount was calculated using a formula."
    )


Discount = Union[DiscountAmount, DiscountUnit, DiscountUnitMultiple, DiscountPercent, DiscountFixed]
"""Contains information about discount: one of AMOUNT, UNIT (one product/SKU), UNIT (several
``units``), PERCENT, FIXED."""


# -- shared objects ------------------------------------------------------------------------------


class Gift(ClosedDocsModel):
    """Contains current gift card balance information."""

    model_config = ConfigDict(title="Gift")

    amount: float = Field(
        description=(
            "Total gift card income over the lifetime of the card. Value is multiplied by 100 to "
            "precisely represent 2 decimal places. For example, $10 amount is written as 1000."
        )
    )
    balance: float = Field(
        description=(
            "Available funds. Value is multiplied by 100 to precisely represent 2 decimal places. "
            "For example, $10 amount is written as 1000."
        )
    )
    effect: Opt[Literal["APPLY_TO_ORDER", "APPLY_TO_ITEMS"]] = Field(
        None, description="Defines how the credits are applied to the customer's order."
    )


class SimpleLoyaltyCard(DocsModel):
    """Simplified loyalty card data."""

    model_config = ConfigDict(title="Simple Loyalty Card")

    points: int = Field(description="Total number of points added to the loyalty card over its lifespan.")
    balance: Opt[int] = Field(
        None,
        description=(
            "Points available for reward redemption. This is calculated as follows: balance = "
            "points - expired_points - subtracted_points - redemption.redeemed_points."
        ),
    )
    next_expiration_date: Opt[str] = Field(
        None, description="The next closest date when the next set of points are due to expire."
    )
    next_expiration_points: Opt[int] = Field(
        None, description="The amount of points that are set to expire next."
    )
    pending_points: Opt[int] = Field(
        None,
        description=(
            "Shows the number of pending points that will be added to the loyalty card when they "
            "are activated automatically or manually."
        ),
    )
    expired_points: Opt[int] = Field(
        None,
        description="Shows the total number of expired points over the lifetime of the loyalty card.",
    )
    subtracted_points: Opt[int] = Field(
        None,
        description="Shows the total number of subtracted points over the lifetime of the loyalty card.",
    )


class Category(DocsModel):
    """Category."""

    model_config = ConfigDict(title="Category")

    id: str = Field(description="Unique category ID assigned by Voucherify.")
    name: str = Field(description="Category name.")
    hierarchy: int = Field(description="Category hierarchy.")
    created_at: datetime = Field(
        description=(
            "Timestamp representing the date and time when the category was created in the ISO "
            "8601 format."
        ),
        examples=["2024-01-01T11:11:11.111Z"],
    )
    updated_at: Opt[datetime] = Field(
        None,
        description=(
            "Timestamp representing the date and time when the category was updated in the ISO "
            "8601 format."
        ),
        examples=["2024-01-01T11:11:11.111Z"],
    )
    object: Literal["category"] = Field(
        description=(
            "The type of the object represented by the JSON. This object stores information about "
            "the category."
        )
    )
    stacking_rules_type: Opt[Literal["JOINT", "EXCLUSIVE"]] = Field(
        None, description="The type of the stacking rule eligibility."
    )


class VoucherRedemption(DocsModel):
    """Defines the redemption limits on vouchers."""

    model_config = ConfigDict(title="Redemption")

    quantity: int | None = Field(
        description="How many times a voucher can be redeemed. A null value means unlimited."
    )
    redeemed_quantity: int = Field(
        description="How many times a voucher has already been redeemed.", examples=[1]
    )


class SimpleRedeemableHolder(DocsModel):
    """Details about the holder of the redeemable."""

    model_config = ConfigDict(title="Redeemable Holder")

    id: str = Field(
        description="Unique identifier of the redeemable holder.", examples=["rh_0e7b8db4700106a852"]
    )
    created_at: datetime = Field(
        description=(
            "Timestamp representing the date and time when the redeemable was assigned. Timestamp "
            "is presented in the ISO 8601 format."
        ),
        examples=["2024-03-22T17:48:25.910Z"],
    )
    redeemable_id: str = Field(
        description="Identifier of the redeemable item.",
        examples=["v_GXVguPhq2khgFxH7GrRXWA91gDr1LiA1"],
    )
    redeemable_object: Literal["voucher"] = Field(
        description="Type of the redeemable.", examples=["voucher"]
    )
    campaign_id: str = Field(
        description="Unique identifier of the campaign as assigned by Voucherify.",
        examples=["camp_weer1c3p5ZgktqfW56RfoNaG"],
    )
    campaign_type: Literal["REFERRAL_PROGRAM"] = Field(
        description="Defines the type of the campaign.", examples=["REFERRAL_PROGRAM"]
    )
    voucher_type: Literal["GIFT_VOUCHER", "DISCOUNT_VOUCHER", "LOYALTY_CARD"] = Field(
        description="Defines the type of the voucher.", examples=["DISCOUNT_VOUCHER"]
    )
    publication_id: str | None = Field(description="Unique identifier of the publication.")
    customer_id: str = Field(
        description="Unique identifier of the customer.", examples=["cust_p1ufreYbVbwZ1x70nFkH9rF9"]
    )
    holder_role: Literal["OWNER", "REFERRER", "REFEREE"] = Field(
        description="Role of the holder.", examples=["REFERRER"]
    )
    object: Literal["redeemable_holder"] = Field(
        description="The type of the object represented by JSON."
    )


class SimpleVoucher(DocsModel):
    """Simplified voucher data."""

    model_config = ConfigDict(title="Simple Voucher")

    id: Opt[str] = Field(
        None, description="A unique identifier that represents the voucher assigned by Voucherify."
    )
    code: str = Field(description="Voucher code.")
    gift: Opt[Gift] = Field(None, description="Gift object response.")
    discount: Opt[Discount] = Field(None, description="Contains information about discount.")
    loyalty_card: Opt[SimpleLoyaltyCard] = Field(
        None, description="Defines the loyalty card details."
    )
    type: VoucherType = Field(description="Type of the voucher.")
    campaign: Opt[str] = Field(None, description="Campaign name.")
    campaign_id: Opt[str] = Field(None, description="Campaign unique ID.")
    is_referral_code: Opt[bool] = Field(
        None,
        description=(
            "Flag indicating whether this voucher is a referral code; true for campaign type "
            "REFERRAL_PROGRAM."
        ),
    )
    holder_id: Opt[str] = Field(
        None,
        description=(
            "Unique customer identifier of the redeemable holder. It equals to the customer ID "
            "assigned by Voucherify."
        ),
        examples=["cust_eWgXlBBiY6THFRJwX45Iakv4"],
    )
    referrer_id: Opt[str] = Field(
        None,
        description="Unique identifier of the referrer assigned by Voucherify.",
        examples=["cust_nM4jqPiaXUvQdVSA6vTRUnix"],
    )
    category_id: str | None = Field(
        None,
        description="Unique identifier of the category that this voucher belongs to.",
        examples=["cat_0b6152ce12414820dc"],
    )
    categories: Opt[list[Category]] = Field(None, description="Contains details about the category.")
    active: Opt[bool] = Field(
        None,
        description=(
            "Shows whether the voucher is on or off. true indicates an active voucher and false "
            "indicates an inactive voucher."
        ),
    )
    created_at: datetime = Field(
        description=(
            "Timestamp representing the date and time when the order was created in the ISO 8601 "
            "format."
        ),
        examples=["2021-12-22T10:13:06.487Z"],
    )
    updated_at: Opt[datetime] = Field(
        None,
        description=(
            "Timestamp representing the date and time when the order was created. The value is "
            "shown in the ISO 8601 format."
        ),
        examples=["2024-01-01T11:11:11.111Z"],
    )
    redemption: Opt[VoucherRedemption] = Field(
        None, description="Defines the redemption limits on vouchers."
    )
    start_date: Opt[datetime] = Field(
        None,
        description=(
            "Activation timestamp defines when the code starts to be active in ISO 8601 format. "
            "Voucher is inactive before this date."
        ),
        examples=["2021-12-01T00:00:00.000Z"],
    )
    expiration_date: Opt[datetime] = Field(
        None,
        description=(
            "Expiration timestamp defines when the code expires in ISO 8601 format. Voucher is "
            "inactive after this date."
        ),
        examples=["2021-12-31T00:00:00.000Z"],
    )
    metadata: Opt[JsonObject] = Field(
        None,
        description=(
            "A set of custom key/value pairs that you can attach to a voucher. The metadata object "
            "stores all custom attributes assigned to the voucher."
        ),
    )
    object: Literal["voucher"] = Field(description="The type of the object represented by JSON.")


class CodeConfig(DocsModel):
    """Schema containing information about config used for voucher. Defines the code pattern
    (prefix, suffix, length, charset, etc)."""

    model_config = ConfigDict(title="Code Config Settings")

    length: float = Field(
        description="Number of characters in a generated code (excluding prefix and postfix)."
    )
    charset: str = Field(description="Characters that can appear in the code.")
    prefix: str = Field(description="A text appended before the code.")
    postfix: str = Field(description="A text appended after the code.")
    pattern: str = Field(
        description=(
            "A pattern for codes where hashes (#) will be replaced with random characters. "
            "Overrides length."
        )
    )
    initial_count: Opt[int] = Field(None, description="The initial count.")


class ExpirationRules(DocsModel):
    """Defines the loyalty point expiration rule."""

    model_config = ConfigDict(title="Expiration Rules")

    period_type: Literal["FIXED_DAY_OF_YEAR", "MONTH"] = Field(
        description=(
            "Type of period. Can be set for MONTH or FIXED_DAY_OF_YEAR. MONTH requires the "
            "period_value field. FIXED_DAY_OF_YEAR requires the fixed_month and fixed_day fields."
        )
    )
    period_value: Opt[int] = Field(
        None, description="Value of the period. Required for the period_type: MONTH."
    )
    rounding_type: Opt[
        Literal["END_OF_MONTH", "END_OF_QUARTER", "END_OF_HALF_YEAR", "END_OF_YEAR", "PARTICULAR_MONTH"]
    ] = Field(
        None,
        description="Type of rounding of the expiration period. Optional for the period_type: MONTH.",
    )
    rounding_value: Opt[int] = Field(
        None, description="Value of rounding of the expiration period. Required for the rounding_type."
    )
    fixed_month: Opt[Annotated[int, Field(ge=1, le=12)]] = Field(
        None,
        description=(
            "Determines the month when the points expire; 1 is January, 2 is February, and so on. "
            "Required for the period_type: FIXED_DAY_OF_YEAR."
        ),
    )
    fixed_day: Opt[Annotated[int, Field(ge=1, le=31)]] = Field(
        None,
        description=(
            "Determines the day of the month when the points expire. Required for the "
            "period_type: FIXED_DAY_OF_YEAR."
        ),
    )


class CampaignLoyaltyCard(DocsModel):
    """Schema model for a campaign loyalty card."""

    model_config = ConfigDict(title="Campaign Loyalty Card")

    points: int = Field(
        description=(
            "The initial number of points to assign to the loyalty card. This is the current "
            "loyalty card score i.e. the number of loyalty points on the card."
        )
    )
    expiration_rules: Opt[ExpirationRules] = Field(
        None,
        description=(
            "Defines the loyalty point expiration rule. This expiration rule applies when there are "
            "no expiration_rules defined for an earning rule."
        ),
    )


class SimpleCampaignVoucher(DocsModel):
    """Simplified campaign voucher data."""

    model_config = ConfigDict(title="Simple Campaign Voucher")

    type: VoucherType = Field(description="Type of the voucher.")
    discount: Opt[Discount] = Field(
        None,
        description=(
            "Defines the voucher discount type and details. It will not be returned at all or it "
            "will return a null for LOYALTY_CARD."
        ),
    )
    gift: Opt[Gift] = Field(
        None,
        description=(
            "Defines the voucher gift details. It will not be returned at all or it will return a "
            "null for LOYALTY_CARD."
        ),
    )
    loyalty_card: Opt[CampaignLoyaltyCard] = Field(
        None,
        description=(
            "Defines the voucher loyalty card details. It will not be returned at all or it will "
            "return a null for DISCOUNT_VOUCHER or GIFT_CARD."
        ),
    )
    redemption: VoucherRedemption = Field(description="Defines the redemption limits on vouchers.")
    code_config: CodeConfig = Field(
        description=(
            "Schema containing information about config used for voucher. Defines the code pattern "
            "(prefix, suffix, length, charset, etc)."
        )
    )


class RelatedObjectParent(DocsModel):
    """Details of the resource from which the reward originates."""

    model_config = ConfigDict(title="Related Object Parent")

    id: Opt[str] = Field(
        None,
        description="Unique identifier of the reward source.",
        examples=["camp_kdxp3vf1clQ9CFs1jpqv3tZe"],
    )
    name: Opt[str] = Field(None, description="Name of the reward source.")
    object: Opt[Literal["CAMPAIGN"]] = Field(
        None, description="Type of resource represented by the source of the reward."
    )


class RefereeReward(DocsModel):
    """Defines the referee reward."""

    model_config = ConfigDict(title="Referee Reward")

    related_object_parent: Opt[RelatedObjectParent] = Field(
        None, description="Details of the resource from which the reward originates."
    )
    type: Opt[VoucherType] = Field(None, description="Type of reward.")
    amount: Opt[str] = Field(
        None,
        description=(
            "Define the number of points to add to a loyalty card or credits to the balance on a "
            "gift card. In case of the gift card, the value is multiplied by 100 to precisely "
            "represent 2 decimal places. For example, $100 amount is written as 10000."
        ),
    )


class ReferralCustomEvent(DocsModel):
    """Contains details about the custom event."""

    model_config = ConfigDict(title="Custom Event")

    id: Opt[str] = Field(
        None, description="Unique custom event ID.", examples=["ms_Ll9enAm2BCN0M1s4VxWobLFM"]
    )
    name: Opt[str] = Field(None, description="Custom event name.")


class ReferralProgram(DocsModel):
    """Defines the referee reward and the way a referral is triggered. Context: REFERRAL_PROGRAM."""

    model_config = ConfigDict(title="Referral Program")

    conversion_event_type: Opt[Literal["redemption", "custom_event"]] = Field(
        None, description="Defines how a referral is triggered."
    )
    custom_event: Opt[ReferralCustomEvent] = Field(
        None, description="Contains details about the custom event."
    )
    referee_reward: Opt[RefereeReward] = Field(None, description="Defines the referee reward.")


class SimpleCampaign(DocsModel):
    """Simplified campaign data."""

    model_config = ConfigDict(title="Simple Campaign")

    id: Opt[str] = Field(None, description="Campaign ID.")
    name: Opt[str] = Field(None, description="Campaign name.")
    campaign_type: Opt[str] = Field(None, description="Type of campaign.")
    type: Opt[Literal["AUTO_UPDATE", "STATIC", "STANDALONE"]] = Field(
        None,
        description=(
            "Defines whether the campaign can be updated with new vouchers after campaign creation "
            "or if the campaign consists of standalone vouchers.\n"
            "- AUTO_UPDATE: the campaign is dynamic, i.e. vouchers will generate based on set "
            "criteria\n"
            "- STATIC: vouchers need to be manually published\n"
            "- STANDALONE: campaign for single vouchers"
        ),
    )
    is_referral_code: Opt[bool] = Field(
        None,
        description=(
            "Flag indicating whether this voucher is a referral code; true for campaign type "
            "REFERRAL_PROGRAM."
        ),
    )
    voucher: Opt[SimpleCampaignVoucher] = Field(
        None, description="Simplified campaign voucher data."
    )
    referral_program: Opt[ReferralProgram] = Field(
        None,
        description=(
            "Defines the referee reward and the way a referral is triggered. Context: "
            "REFERRAL_PROGRAM."
        ),
    )
    auto_join: Opt[bool] = Field(
        None,
        description=(
            "Indicates whether customers will be able to auto-join the campaign if any earning rule "
            "is fulfilled."
        ),
    )
    join_once: Opt[bool] = Field(
        None,
        description=(
            "If this value is set to true, customers will be able to join the campaign only once. "
            "It is always false for standalone voucher campaigns and it cannot be changed in them. "
            "It is always true for loyalty campaigns."
        ),
    )
    active: Opt[bool] = Field(None, description="Indicates whether the campaign is active.")
    category_id: str | None = Field(
        None, description="The unique category ID that this campaign belongs to."
    )
    category: Opt[str] = Field(None, description="Unique category name.")
    categories: Opt[list[Category]] = Field(None, description="Contains details about the category.")
    metadata: Opt[JsonObject] = Field(
        None,
        description=(
            "A set of custom key/value pairs that you can attach to a campaign. The metadata object "
            "stores all custom attributes assigned to the campaign."
        ),
    )
    start_date: Opt[datetime] = Field(
        None,
        description=(
            "Activation timestamp defines when the campaign starts to be active in ISO 8601 format. "
            "Campaign is inactive before this date."
        ),
        examples=["2022-09-20T00:00:00.000Z"],
    )
    expiration_date: Opt[datetime] = Field(
        None,
        description=(
            "Expiration timestamp defines when the campaign expires in ISO 8601 format. Campaign is "
            "inactive after this date."
        ),
        examples=["2022-09-30T00:00:00.000Z"],
    )
    description: Opt[str] = Field(
        None,
        description=(
            "An optional field to keep extra textual information about the campaign such as a "
            "campaign description and details."
        ),
    )
    created_at: Opt[datetime] = Field(
        None,
        description=(
            "Timestamp representing the date and time when the campaign was created. The value is "
            "shown in the ISO 8601 format."
        ),
        examples=["2024-01-01T11:11:11.111Z"],
    )
    updated_at: Opt[datetime] = Field(
        None,
        description=(
            "Timestamp representing the date and time when the campaign was updated in the ISO 8601 "
            "format."
        ),
        examples=["2024-01-01T11:11:11.111Z"],
    )
    object: Opt[Literal["campaign"]] = Field(
        None,
        description=(
            "The type of the object represented by JSON. This object stores information about the "
            "campaign."
        ),
    )


class SimpleCustomer(DocsModel):
    """Simplified customer data."""

    model_config = ConfigDict(title="Simple Customer")

    id: Opt[str] = Field(
        None, description="Unique identifier of an existing customer. It is assigned by Voucherify."
    )
    name: Opt[str] = Field(None, description="Customer's first and last name.")
    email: Opt[str] = Field(None, description="Customer's email address.")
    source_id: Opt[str] = Field(
        None,
        description=(
            "A unique identifier of the customer. It can be a customer ID or email from a CRM "
            "system, database, or a third-party service."
        ),
    )
    metadata: Opt[JsonObject] = Field(
        None,
        description=(
            "A set of custom key/value pairs that are attached to the customer. It stores all custom "
            "attributes assigned to the customer."
        ),
    )
    object: Opt[Literal["customer"]] = Field(
        None, description="The type of the object represented by JSON."
    )


# -- the event data ------------------------------------------------------------------------------


class HolderAssignmentData(DocsModel):
    """Event data object schema for customer.holder.assignment.created."""

    model_config = ConfigDict(title="Event Customer Holder Assignment Created")

    holder: SimpleRedeemableHolder = Field(description="Details about the holder of the redeemable.")
    voucher: SimpleVoucher = Field(description="Simplified voucher data.")
    campaign: SimpleCampaign = Field(description="Simplified campaign data.")
    customer: SimpleCustomer = Field(description="Simplified customer data.")


class HolderAssignmentCreatedData(HolderAssignmentData):
    """Event data object schema for customer.holder.assignment.created."""

    model_config = ConfigDict(title="Event Customer Holder Assignment Created")


class HolderAssignmentDeletedData(HolderAssignmentData):
    """Event data object schema for customer.holder.assignment.deleted."""

    model_config = ConfigDict(title="Event Customer Holder Assignment Deleted")


EVENT_MODELS: dict[str, type[HolderAssignmentData]] = {
    "customer.holder.assignment.created": HolderAssignmentCreatedData,
    "customer.holder.assignment.deleted": HolderAssignmentDeletedData,
}
