"""The one reading of outside values (links, CLI, MECHGAN_DEFAULTS): hostile numbers are named, not crashes."""
import json

import pytest

from mechgan.config import DEFAULTS, PARAMS, SettingError, TrainConfig, parse

HUGE = "1" + "0" * 400  # 10**400 written out: an exact int, past float's range
# What a link or a command line may carry in place of a number
HOSTILE_TEXTS = ("inf", "-inf", "nan", "1e309", "-1e309", "Infinity", "NaN", HUGE, "-" + HUGE, "9" * 5000)
# What MECHGAN_DEFAULTS' JSON may hold: Python's json reads Infinity, NaN and 1e400 as floats
HOSTILE_JSON_TEXTS = ("Infinity", "-Infinity", "NaN", "1e400", "-1e400", HUGE, "-" + HUGE)
HOSTILE_JSON = json.loads(f"[{', '.join(HOSTILE_JSON_TEXTS)}]")


@pytest.mark.parametrize("name", PARAMS)
@pytest.mark.parametrize("raw", HOSTILE_TEXTS + tuple(HOSTILE_JSON), ids=lambda r: repr(r)[:12])
def test_a_hostile_value_is_a_short_error_naming_the_setting(name, raw):
    with pytest.raises(SettingError) as caught:
        parse(name, raw)
    assert caught.value.name == name
    assert str(caught.value).startswith(name) and len(str(caught.value)) < 150


@pytest.mark.parametrize("name", PARAMS)
def test_every_default_reads_back_from_its_text_and_its_json(name):
    value = getattr(DEFAULTS, name)
    assert parse(name, str(value)) == value and type(parse(name, str(value))) is type(value)
    assert parse(name, json.loads(json.dumps(value))) == value


def test_texts_become_the_settings_type():
    assert parse("nf", "8") == 8 and parse("nf", "8.0") == 8 and parse("nf", 8.0) == 8
    assert parse("lr_g", "5e-07") == 5e-7 and parse("lr_g", 1) == 1.0 and type(parse("lr_g", 1)) is float
    assert parse("conditional", "True") is True and parse("conditional", "no") is False
    assert parse("seed", str(2**31 - 1)) == 2**31 - 1


@pytest.mark.parametrize("name, raw", [("nf", "8.5"), ("conditional", "1"), ("conditional", 1), ("nf", True),
                                       ("loss", "kl"), ("loss", 3), ("lr_g", None), ("k_d", "two"),
                                       ("seed", str(2**31)), ("lr_g", "0")])
def test_wrong_values_are_refused(name, raw):
    with pytest.raises(SettingError, match=name):
        parse(name, raw)


def test_an_unknown_setting_is_named():
    with pytest.raises(SettingError, match="speed"):
        parse("speed", "1")


def test_a_huge_int_fails_the_check_not_with_an_overflow():
    with pytest.raises(SettingError, match="lr_g must be in"):
        TrainConfig(lr_g=10**400)


def test_the_speck_penalty_s_old_name_reads_as_the_connect_penalty():
    """Saved runs, class links and MECHGAN_DEFAULTS written before the rename still carry ``speck_weight``."""
    assert parse("speck_weight", "3") == 3.0 and parse("connect_weight", "3") == 3.0
    with pytest.raises(SettingError, match="connect_weight"):
        parse("speck_weight", "-1")
    assert TrainConfig.from_dict({"speck_weight": 0.0}).connect_weight == 0.0
    assert TrainConfig.from_dict({"speck_weight": 0.0, "connect_weight": 3.0}).connect_weight == 3.0  # new wins


def test_the_connect_penalty_is_a_live_setting_read_from_its_text():
    assert PARAMS["connect_weight"].live and PARAMS["connect_weight"].group == "training"
    assert parse("connect_weight", "30") == 30.0 and TrainConfig(connect_weight=0).connect_weight == 0.0
