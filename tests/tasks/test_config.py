"""Run configs: one field declares a setting, the flags come from the fields."""

import dataclasses

import pytest

from cli import ArgumentParser
from errors import UsageError
from tasks.arithmetic.config import ArithmeticConfig
from tasks.config import add_flags, from_flags, parse_integers, setting
from tasks.mnist.config import MnistConfig


def parse(config_class, argv):
    parser = ArgumentParser()
    add_flags(parser, config_class)
    return from_flags(config_class, parser.parse_args(argv))


def test_every_field_is_a_flag_with_its_help():
    """Each field of a family's config appears as a flag, with the field's help text."""
    parser = ArgumentParser()
    add_flags(parser, MnistConfig)
    flags = {action.dest: action for action in parser._actions if action.dest != "help"}
    assert set(flags) == {field.name for field in dataclasses.fields(MnistConfig)}
    assert flags["length"].option_strings == ["--len"]
    assert flags["weight_decay"].option_strings == ["--weight-decay"]
    assert "pixels" in flags["shift"].help


def test_a_new_field_is_a_new_flag():
    """A field added to a config is parsed, typed and checked with no other change."""

    @dataclasses.dataclass
    class Extended(MnistConfig):
        warmup_steps: int | None = setting(None, "steps of learning-rate warm-up", "int", 0)

    config = parse(Extended, ["--warmup-steps", "300", "--steps", "10"])
    assert config.warmup_steps == 300 and config.steps == 10
    with pytest.raises(UsageError, match=r"^--warmup-steps -1: must be an integer of at least 0"):
        Extended(warmup_steps=-1).validate()


def test_flags_are_typed_and_unset_flags_stay_none_for_the_task_defaults():
    """Given flags become typed values; the rest stay None until the task resolves them."""
    config = parse(MnistConfig, ["--len", "7", "--lr", "0.01", "--eval-lengths", "10,100",
                                 "--random-recurrence"])
    assert (config.length, config.lr, config.eval_lengths) == (7, 0.01, [10, 100])
    assert config.random_recurrence is True and config.steps is None and config.shift is None
    resolved = config.resolved({"steps": 123, "length": 10, "shift": 0})
    assert (resolved.steps, resolved.length, resolved.shift) == (123, 7, 0)


@pytest.mark.parametrize("argv, message", [
    (["--steps", "ten"], "--steps ten: must be an integer"),
    (["--lr", "0"], "--lr 0.0: must be a number above 0"),
    (["--dropout", "1"], "--dropout 1.0: must be below 1"),
    (["--shift", "9"], "--shift 9: must be an integer from 0 to 8"),
    (["--eval-lengths", "10,0"], "--eval-lengths 10,0: must be positive integers"),
])
def test_bad_values_name_the_flag(argv, message):
    """A value of the wrong kind or out of bounds: a UsageError naming the flag and value."""
    with pytest.raises(UsageError) as raised:
        parse(MnistConfig, argv).validate()
    assert str(raised.value) == message


def test_families_have_their_own_fields_and_saved_configs_drop_unknown_ones():
    """A family's fields are its own; a config.json with fields it lacks still opens."""
    mnist_only = {field.name for field in dataclasses.fields(MnistConfig)} - {
        field.name for field in dataclasses.fields(ArithmeticConfig)}
    assert {"digits", "shift", "dropout", "test_shift", "weight_decay",
            "encoder_norm"} <= mnist_only
    saved = {**MnistConfig(steps=5).to_json(), "retired_knob": 3}
    assert MnistConfig.from_json(saved).steps == 5
    assert ArithmeticConfig.from_json(saved).steps == 5


def test_a_saved_config_without_a_later_field_opens_with_it_off():
    """A config.json saved before --shift existed opens with shift 0, what it trained with."""
    old = {key: value for key, value in MnistConfig(steps=5).to_json().items()
           if key not in MnistConfig.ADDED_LATER}
    config = MnistConfig.from_json(old)
    assert (config.shift, config.encoder_norm) == (0, "none")
    assert MnistConfig.from_json({**old, "shift": 2}).shift == 2


@pytest.mark.parametrize("text, minimum, message", [
    ("10,x", 1, "--lengths 10,x: must be a comma-separated list of integers >= 1"),
    ("", 1, "--lengths : must be a comma-separated list of integers >= 1"),
    ("5,0", 1, "--lengths 5,0: must be positive integers"),
    ("-1", 0, "--lengths -1: must be integers >= 0"),
])
def test_integer_lists_parse_once_and_bad_ones_name_the_flag(text, minimum, message):
    """Every integer-list flag goes through `parse_integers`; a bad one names the flag."""
    assert parse_integers("lengths", " 10, 100 ,1000") == [10, 100, 1000]
    with pytest.raises(UsageError) as raised:
        parse_integers("lengths", text, minimum)
    assert str(raised.value) == message
