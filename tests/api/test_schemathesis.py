"""Property-based run over the OpenAPI spec (schemathesis over ASGI): no 5xx, and responses
conform to the declared schemas, status codes and content types. Few examples per operation,
so the run stays well under a minute. (Operations are driven by hand with hypothesis because
schemathesis' fixture-based pytest integration does not work with this pytest version.)"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Api

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]


def test_api_conforms_to_its_schema(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    headers = {"Authorization": f"Bearer {api.tokens['secrets']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/assets", "/v1/assets/{urn}", "/v1/tags",
                                              "/v1/resolve", "/healthz", "/readyz"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    # the run really exercised the API (responses seen by the metrics middleware)
    metrics = api.app.state.services.metrics.requests
    served = sum(s.value for m in metrics.collect() for s in m.samples
                 if s.name.endswith("_total"))
    assert served >= 3 * len(operations)
