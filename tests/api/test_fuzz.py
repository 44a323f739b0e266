"""schemathesis over the whole OpenAPI as the city admin and as an enterprise: no input, however
malformed, gets a server error or a status the schema does not document."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import status_code_conformance  # noqa: E402

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Bounded so the pair runs in well under a minute on a small CI machine; raise
# ANJIAN_FUZZ_EXAMPLES for a deeper run (e.g. 200 before a release).
EXAMPLES = int(os.environ.get("ANJIAN_FUZZ_EXAMPLES", "3"))


def _fuzz(world, persona: str) -> list[str]:
    from django.core.wsgi import get_wsgi_application

    from anjian.accounts.services import token_create

    _token, raw = token_create(actor=world.user(persona), name="fuzz")
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {raw}"}
    found: dict[str, str] = {}
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not a part of it
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = op.as_strategy(generation_mode=mode)

            @given(case=strategy)
            @settings(max_examples=EXAMPLES, database=None, phases=[Phase.generate], deadline=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
                except FailureGroup as exc:
                    key = f"{case.operation.label} {response.status_code}"
                    found.setdefault(key, str(exc)[:1500])

            try:
                run()
            except Exception as exc:  # a generation error is a finding too
                found.setdefault(f"{op.label} generation", repr(exc)[:500])
    return [f"{k}\n{v}" for k, v in sorted(found.items())]


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the real WSGI handler, which closes the database connection at the end
    of each request; inside the test's transaction that would close it (on PostgreSQL) — keep it
    open, exactly as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["city_admin", "enterprise"])
def test_no_server_errors_and_only_documented_statuses(world, persona, keep_test_connection):
    problems = _fuzz(world, persona)
    assert not problems, "\n\n".join(problems)
