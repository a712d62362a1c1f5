"""schemathesis over the OpenAPI document of a live server: no 5xx, and every answer is one the document
describes (status code, content type, body schema). The number of cases is bounded (``MAX_EXAMPLES`` per
operation) so the suite stays quick; the generated cases include malformed parameters and bodies."""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def live_schema(built, tmp_path_factory):
    from live_server import start_server

    server = start_server(built[0].store_dir, tmp_path_factory.mktemp("openapi"), GZG_QUERY_TIMEOUT="5")
    yield schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    server.stop()


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_documented_operation_answers_as_documented(live_schema):
    operations = [result.ok() for result in live_schema.get_all_operations()]
    assert {(o.method.upper(), o.path) for o in operations} >= {("GET", "/sparql"), ("POST", "/validate")}
    failures, calls = [], collections.Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_documented(case):
            response = case.call_and_validate(checks=CHECKS, timeout=60)
            calls[response.status_code] += 1

        try:
            answers_as_documented()
        except Exception as e:  # collect every operation's failures, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {e}")
    print(f"\nschemathesis: {sum(calls.values())} calls over {len(operations)} operations, statuses {dict(calls)}")
    assert not failures, "\n\n".join(failures)
