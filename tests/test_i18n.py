"""The Vietnamese catalogue is complete: every string the code marks for translation has a
Vietnamese text with the same placeholders, and the catalogue is not behind the code."""
import os
import re
import subprocess
import sys

from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VI = os.path.join(ROOT, "translations", "vi", "LC_MESSAGES", "messages.po")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(path):
    with open(path, "rb") as f:
        return read_po(f)


def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders():
    problems = []
    for m in catalogue(VI):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        texts = [m.string] if isinstance(m.string, str) else list(m.string)
        if not all(texts) or m.fuzzy:
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[0])) - {"num"}
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - {"num"} != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", str(pot), "--no-location", "."], cwd=ROOT, check=True, capture_output=True)
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(pot) if m.id}
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(VI) if m.id}
    assert len(extracted) > 300  # the extraction ran over the templates and the code
    missing = sorted(extracted - translated)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
