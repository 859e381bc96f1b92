"""voucherify-inspect: inspect, validate and capture Voucherify webhook payloads."""

__version__ = "0.1.0"
