"""The JSON API against its own OpenAPI document (schemathesis, in-process ASGI, bounded examples)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from storyline.models import Brief


def test_api_conforms_to_its_schema(app) -> None:
    """Every operation, a bounded number of generated requests each: no 5xx, responses match the schema."""
    # (Not schemathesis.pytest.from_fixture: it does not run under pytest 9.)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            case.call_and_validate()

        check()


def test_schema_documents_every_page_and_the_brief(client) -> None:
    doc = client.get("/api/openapi.json").json()
    assert set(doc["paths"]) == {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/entities/{name}",
        "/api/search",
        "/api/alerts",
        "/api/alerts/ack",
    }
    brief = doc["paths"]["/api/stories/{story_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert brief["$ref"].endswith("/Brief")
    fields = set(doc["components"]["schemas"]["Brief"]["properties"])
    assert fields == {f for f in Brief.__dataclass_fields__}


def test_brief_endpoint_is_the_export_format(client, seed_story_id: str, app) -> None:
    assert client.get(f"/api/stories/{seed_story_id}").json() == app.state.pages.sl.brief(seed_story_id).as_dict()


def test_real_records_match_the_schema(app, client, seed_story_id: str) -> None:
    """Generated ids are mostly 404s; check the 200 responses of real stories, articles and entities too."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    brief = client.get(f"/api/stories/{seed_story_id}").json()
    cases = [
        ("/api/stories/{story_id}", {"story_id": seed_story_id}),
        ("/api/entities/{name}", {"name": "Marco Rubio"}),
        *[("/api/articles/{article_id}", {"article_id": a["id"]}) for a in brief["articles"]],
    ]
    for path, params in cases:
        response = schema[path]["GET"].Case(path_parameters=params).call_and_validate()
        assert response.status_code == 200, (path, params)
