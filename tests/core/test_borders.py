"""The shared kernel knows no app: apps depend on core, never the other way round."""

import ast
from pathlib import Path

import hiwar.core

APPS = {"accounts", "spaces", "discussions", "events", "grouping", "demo"}


def test_core_imports_no_app():
    offending = []
    for path in Path(hiwar.core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offending += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] == "hiwar" and name.split(".")[1:2] and name.split(".")[1] in APPS
            ]
    assert offending == []
