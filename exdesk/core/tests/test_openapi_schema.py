"""The committed API description (docs/openapi.json) matches the code: a changed API
shows up as a diff in review. Regenerate with `make openapi`."""

import json
from pathlib import Path

from exdesk.api import api

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_committed_openapi_schema_is_current():
    generated = json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True))
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert generated == committed, "the API changed: run `make openapi` and commit the result"
