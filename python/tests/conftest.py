"""pytest setup: make `rnnsearch` importable from python/ and load the committed fixtures once."""

import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, "fixtures")


@pytest.fixture(scope="session")
def reference():
    """reference.json, written by `npm run fixtures:parity` (scripts/parityFixtures.ts)."""
    with open(os.path.join(FIXTURES, "reference.json"), encoding="utf-8") as f:
        return json.load(f)
