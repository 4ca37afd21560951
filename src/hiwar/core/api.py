"""Shared pieces of the HTTP API: the error shape and bounded parameter types.

Every operation declares its error answers, so the OpenAPI document says what a client (or
schemathesis) will meet: 400 for refused characters (core.middleware), 404, 422.
"""

import re
from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field

from hiwar.core.forms import MAX_ID

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ErrorOut(Schema):
    detail: str
    errors: list[dict] | None = None


def _iso_date_only(value):
    # pydantic reads "0" or "1700000000" as a Unix time; a calendar filter takes only YYYY-MM-DD.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
ShortText = Annotated[str, Field(max_length=200)]

# Query text as the middleware lets it through: no control characters (those are a 400).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"

ERRORS = {400: ErrorOut, 422: ErrorOut}
ERRORS_AND_404 = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
