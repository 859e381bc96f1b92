"""Conventions shared by the docs models.

The docs distinguish four kinds of field, and the models spell each one out so that the JSON
schema pydantic derives from them says exactly what the docs say:

- required, non-nullable: ``name: str = Field(description=...)``
- required, nullable:     ``name: str | None = Field(description=...)``
- optional, non-nullable: ``name: Opt[str] = Field(None, description=...)`` -- the model still
  accepts ``null`` at run time (real payloads carry it), but the schema does not admit it, so the
  engine reports such a ``null`` as a warning.
- optional, nullable:     ``name: str | None = Field(None, description=...)`` plus
  ``json_schema_extra=NULLABLE`` to keep ``null`` in the schema despite the default.
"""

from __future__ import annotations

from typing import Any, TypeVar, Union

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import SkipJsonSchema

T = TypeVar("T")

Opt = Union[T, SkipJsonSchema[None]]
"""Optional and not nullable in the docs: absent is fine, ``null`` is a documented-type departure."""

JsonObject = dict[str, Any]
"""A free-form object (``metadata``): any keys, any values."""


class DocsModel(BaseModel):
    """Base of every docs model: keeps unknown keys (the engine warns about them) and is lax."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ClosedDocsModel(BaseModel):
    """A docs object with ``additionalProperties: false``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
