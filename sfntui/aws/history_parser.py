"""GetExecutionHistory's answers read straight from their JSON, not through botocore's model.

botocore parses an answer by walking the service model member by member, and turns each
timestamp into a datetime in the local zone through dateutil: some 60 ms for a page of 1,000
events, on the event loop the app draws with (a 25,000-event history spent 1.6 s there).
Of a history event's members only `timestamp` is not plain JSON (the model says so; a test
checks it), so a page is `json.loads` and one conversion per event: about 2 ms.

`response_parsers()` is the factory an `AwsSession` registers with its botocore session: every
other answer, an error, and a page that is not as the model says (so botocore decides what it
makes of it) go through botocore as before. Loaded only when a session opens (aiobotocore is).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiobotocore.parsers import AioJSONParser, AioResponseParserFactory

#: The output shape read here, and the one member of an event that is not plain JSON.
HISTORY_OUTPUT = "GetExecutionHistoryOutput"
TIMESTAMP = "timestamp"


def history_page(body: bytes) -> dict[str, Any] | None:
    """A page's events with their timestamps as datetimes (UTC, as the engine writes them);
    None when the body is not a page as the model describes it."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    events = parsed.get("events")
    token = parsed.get("nextToken")
    if not isinstance(events, list) or not (token is None or isinstance(token, str)):
        return None
    from_timestamp = datetime.fromtimestamp
    for event in events:
        if not isinstance(event, dict):
            return None
        moment = event.get(TIMESTAMP)
        if isinstance(moment, int | float) and not isinstance(moment, bool):
            event[TIMESTAMP] = from_timestamp(moment, UTC)
        else:
            return None  # (an ISO string, say: botocore's parser knows them all)
    page: dict[str, Any] = {"events": events}
    if token is not None:
        page["nextToken"] = token
    return page


class _JsonParser(AioJSONParser):
    def _do_parse(self, response: dict[str, Any], shape: Any) -> Any:
        if shape is not None and shape.name == HISTORY_OUTPUT:
            page = history_page(response["body"])
            if page is not None:
                self._inject_response_metadata(page, response["headers"])
                return page
        return super()._do_parse(response, shape)


class _ParserFactory(AioResponseParserFactory):
    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "json":
            return _JsonParser(**self._defaults)
        return super().create_parser(protocol_name)


def response_parsers() -> AioResponseParserFactory:
    """botocore's parsers, with GetExecutionHistory's pages read the quick way."""
    return _ParserFactory()
