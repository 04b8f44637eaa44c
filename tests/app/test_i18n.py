"""Every string of the app exists in English and French, with the same placeholders."""
import re
import string
from pathlib import Path

from app.i18n import LANGUAGES, TEXTS, text

APP = Path(__file__).resolve().parents[2] / "app"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_every_key_with_the_same_placeholders():
    assert LANGUAGES == ("en", "fr")
    for key, pair in TEXTS.items():
        assert len(pair) == 2 and all(pair), key
        en, fr = pair
        assert _fields(en) == _fields(fr), key


def test_every_literal_key_used_by_the_app_is_in_the_table():
    used = set()
    for path in APP.rglob("*.py"):
        used |= set(re.findall(r'\bT\("([a-z0-9_]+)"', path.read_text()))
    assert used, "no T(...) call found"
    assert sorted(used - set(TEXTS)) == []


def test_dynamic_keys_exist():
    from mechgan.config import ARCHITECTURES, LOSSES, OPTIMIZERS
    from mechgan.presets import PRESETS
    from app import health, lab_controls, lab_views

    keys = [f"choice_{c}" for c in (*ARCHITECTURES, *LOSSES, *OPTIMIZERS)]
    keys += [f"ctl_{n}" for n in lab_controls.CONTROLS] + [f"help_{n}" for n in lab_controls.CONTROLS]
    keys += [f"view_{v}" for v in lab_views.VIEWS] + [f"loss_note_{loss}" for loss in LOSSES]
    keys += [f"state_{s}" for s in ("building", "paused", "playing", "waiting", "partner", "diverged", "error", "freed")]
    keys += [f"health_{k}" for k in health.ORDER] + [f"advice_{a}" for a in health.ADVICE]
    keys += ["step", "step_d", "step_g", "help_step", "help_step_d", "help_step_g"]
    keys += [f"preset_{name}{about}" for name in PRESETS for about in ("", "_about")]
    assert sorted(k for k in keys if k not in TEXTS) == []


def test_text_formats_values_in_the_chosen_language():
    assert text("state_waiting", "en", position=3) == "queued, #3"
    assert text("state_waiting", "fr", position=3) == "en attente n° 3"


def test_every_status_fits_the_lab_status_column():
    """The status metric's column shows 16 characters at 1366 px; a longer one ended in "…" ("waiting for t…")."""
    long = [(key, lang, text(key, lang, position=12)) for key in TEXTS if key.startswith("state_")
            for lang in ("en", "fr") if len(text(key, lang, position=12)) > 16]
    assert long == []


def test_no_key_is_written_twice():
    """A dict literal keeps the last of two equal keys without a word: one page's text would replace another's."""
    import ast
    from collections import Counter

    tree = ast.parse((APP / "i18n.py").read_text())
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                 and getattr(node.target, "id", "") == "TEXTS")
    counts = Counter(key.value for key in table.keys)
    assert [key for key, n in counts.items() if n > 1] == []
