"""Declared once, documented: every schema field, code and setting appears in the docs."""
import os

from gis import config, schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def test_every_field_is_documented_in_the_data_model():
    doc = read("docs/data-model.md")
    missing = [f.name for f in schema.fields() if f"| `{f.name}` |" not in doc]
    assert not missing


def test_every_code_is_documented_in_the_data_model():
    doc = read("docs/data-model.md")
    for name in ("status", "sector", "lead_agency", "districts", "location_accuracy"):
        missing = [c for c in schema.codes(name) if f"| `{c}` |" not in doc]
        assert not missing, name


def test_every_setting_is_documented_in_the_readme():
    readme = read("README.md")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing


def test_the_readme_gives_the_two_commands():
    readme = read("README.md")
    assert "make run" in readme and "make test" in readme
