"""Schemathesis hooks of the fuzz stage (loaded through `hooks` in the generated schemathesis.toml).

`before_load_schema` gives every path parameter an `example` that names a real resource of the
demo organization (the ids come from POSTURE_FUZZ_IDS, a JSON file written by test_fuzz.py). The
examples and coverage phases take path parameters from examples; without one they use
placeholders such as "0", so every request they send to /actions/{action}/... would stop at the
404 for an unknown action and never reach the body validation and the state changes behind it.
Only examples are added: no schema, status or response description is touched, so the checks
are exactly those of the document under test. The fuzzing phase still mixes real ids with
generated ones (dictionaries in schemathesis.toml).
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis


def _ids() -> dict[str, str]:
    with open(os.environ["POSTURE_FUZZ_IDS"], encoding="utf-8") as handle:
        return json.load(handle)


def _example_for(path: str, name: str, ids: dict[str, str]) -> Any:
    if name == "id":
        return ids["secureScore"] if "/secureScores/" in path else ids["action"]
    return {
        "org": ids["org"],
        "action": ids["action"],
        "tag": "fuzz-tag",
        "entity": "breakglass@contoso.example",
    }.get(name)


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    ids = _ids()
    for path, item in (raw_schema.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        parameter_lists = [item.get("parameters") or []]
        parameter_lists += [operation.get("parameters") or [] for operation in item.values()
                            if isinstance(operation, dict)]
        for parameters in parameter_lists:
            for parameter in parameters:
                if not isinstance(parameter, dict) or parameter.get("in") != "path":
                    continue
                example = _example_for(path, parameter.get("name", ""), ids)
                if example is not None:
                    parameter.pop("examples", None)
                    parameter["example"] = example
