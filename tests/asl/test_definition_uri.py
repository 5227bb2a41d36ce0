"""A template's DefinitionUri is read only inside the template's folder: a template from
elsewhere must not make sfntui read a file the user did not name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.asl.loader import DefinitionLoadError, load_definition

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def _template(folder: Path, uri: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "template.yaml"
    template.write_text(
        "Resources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n"
        f"    Properties:\n      DefinitionUri: {uri}\n"
    )
    return template


def test_a_definition_beside_or_below_the_template_is_read(tmp_path: Path) -> None:
    (tmp_path / "app" / "statemachine").mkdir(parents=True)
    (tmp_path / "app" / "statemachine" / "flow.asl.json").write_text(json.dumps(PASS))
    loaded = load_definition(str(_template(tmp_path / "app", "statemachine/flow.asl.json")))
    assert loaded.definition == PASS


@pytest.mark.parametrize("uri", ["../secret.json", "{outside}"])
def test_a_definition_outside_the_folder_is_not_read(tmp_path: Path, uri: str) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"StartAt": "TOKEN-123", "States": {}}))
    template = _template(tmp_path / "app", uri.format(outside=secret))
    with pytest.raises(DefinitionLoadError) as raised:
        load_definition(str(template))
    message = str(raised.value)
    assert "outside the template's folder" in message
    assert "TOKEN-123" not in message
    # Named by the user, the same file is read.
    assert load_definition(str(secret)).definition["StartAt"] == "TOKEN-123"


def test_a_symbolic_link_out_of_the_folder_is_outside(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "flow.asl.json").write_text(json.dumps(PASS))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "linked").symlink_to(tmp_path / "elsewhere")
    template = _template(tmp_path / "app", "linked/flow.asl.json")
    with pytest.raises(DefinitionLoadError, match="outside the template's folder"):
        load_definition(str(template))
