"""Finds the generated module: scripts/bindgen.sh writes it (with the library beside it) to
build/bindings/python; TWOFOLD_PY_BINDINGS overrides the directory."""

import os
import pathlib
import secrets
import sys

import pytest

_default = pathlib.Path(__file__).resolve().parents[3] / "build" / "bindings" / "python"
sys.path.insert(0, os.environ.get("TWOFOLD_PY_BINDINGS", str(_default)))


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "twofold.db")
