"""The language task: number words, prefix values, the splits, a run, predictions, bad input."""

import json

import numpy as np
import pytest

from data import words
from tests.conftest import refused_in_process, train


@pytest.mark.parametrize("number, text", [
    (0, "zero"), (13, "thirteen"), (40, "forty"), (725, "seven hundred and twenty five"),
    (1000, "one thousand"), (1100, "one thousand one hundred"),
    (402007, "four hundred and two thousand and seven"),
    (999999, "nine hundred and ninety nine thousand nine hundred and ninety nine"),
])
def test_number_words(number, text):
    """A number is written in the English words the task reads."""
    assert " ".join(words.number_to_words(number)) == text


def test_prefix_values_end_at_the_number_everywhere():
    """The value after the last token is the number, for 0-1000 and a sample to 999,999."""
    sample = np.random.default_rng(0).integers(0, words.LARGEST + 1, 3000)
    for number in [*range(1001), *sample]:
        assert words.prefix_values(words.number_to_words(int(number)))[-1] == number
    assert words.prefix_values("seven hundred and twenty five".split()) == [7, 700, 700, 720, 725]


def test_paper_split_sizes_tokens_and_seed():
    """The paper split: its sizes, 0-19 and every token in training, fixed by the seed."""
    train_, validation, test = words.split(0, 1000, 169, 200)
    assert (len(train_), len(validation), len(test)) == (169, 200, 632)
    assert set(range(20)) <= set(train_)
    assert words.tokens_of(train_) == set(words.TOKENS)
    assert len(set(train_) | set(validation) | set(test)) == 1001
    again = words.split(0, 1000, 169, 200)
    assert all(np.array_equal(a, b) for a, b in zip((train_, validation, test), again,
                                                    strict=True))
    assert not np.array_equal(words.split(1, 1000, 169, 200)[0], train_)


def test_extrapolation_split_trains_small_and_tests_large():
    """The extrapolation split trains below 10,000 and tests from 10,000 up."""
    train_, validation, test = words.split(0, words.LARGEST, 1000, 200, train_below=10_000)
    assert train_.max() < 10_000 <= test.min() and validation.max() < 10_000
    assert words.tokens_of(train_) == set(words.TOKENS)


def test_a_short_run_learns_and_answers_word_by_word(tmp_path, capsys):
    """A short LSTM + NALU run beats the mean, answers word by word, and rescores the same."""
    from evaluate import main
    from train import main as train_main

    train_main(["--task", "words_to_number", "--steps", "1500", "--out", str(tmp_path),
                "--name", "w", "--quiet"])
    results = json.loads((tmp_path / "w" / "results.json").read_text())
    assert set(results["metrics"]) == {"train", "validation", "test"}
    assert results["metrics"]["test"]["numbers"] == 632
    assert results["metrics"]["test"]["mae"] < 60, results["metrics"]
    capsys.readouterr()
    main([str(tmp_path / "w"), "--words", "three hundred and six"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["three", "hundred", "and", "six"]
    saved = (tmp_path / "w" / "results.json").read_bytes()
    main([str(tmp_path / "w")])  # rescored, printed, not written over the saved figures
    assert (tmp_path / "w" / "results.json").read_bytes() == saved
    assert "kept as saved" in capsys.readouterr().out
    main([str(tmp_path / "w"), "--replace"])
    again = json.loads((tmp_path / "w" / "results.json").read_text())
    assert again["metrics"]["test"]["mae"] == pytest.approx(results["metrics"]["test"]["mae"],
                                                            rel=1e-5)
    assert "| test | 632 |" in capsys.readouterr().out
    from report import main as report

    report([str(tmp_path / "w"), "--out", str(tmp_path / "reports")])
    table = (tmp_path / "reports" / "report" / "table.md").read_text()
    assert "| w | paper | lstm | nalu | " in table
    assert f"{again['metrics']['test']['mae']:.4g}" in table
    for text, message in [("three hundred and sixx", "unknown word 'sixx'"),
                          ("", "empty"), ("five thousand", "5,000 is above 1,000")]:
        code, lines = refused_in_process(main, [str(tmp_path / "w"), "--words", text], capsys)
        assert code == 2 and len(lines) == 1 and message in lines[0]


def test_accumulated_skip_model_sums_its_head_and_saves(tmp_path):
    """--accumulate --skip: outputs are running sums of the head, padding-proof and saved."""
    import keras

    from tasks.words.config import WordsConfig
    from tasks.words.task import WordsTask

    config = WordsConfig(task="words_to_number", core="lstm", head="nalu", hidden=8,
                         embedding=4, steps=10, lr=1e-2, accumulate=True, skip=True)
    keras.utils.set_random_seed(0)
    model = WordsTask().make_model(config)
    assert model.get_layer("head").input.shape[-1] == 4 + 8
    ids, _, mask = words.encode([725, 3, 402])
    core, before = (keras.Model(model.input, model.get_layer(name).output).predict(ids, verbose=0)
                    for name in ("core", "before"))
    assert np.all(before[:, 0] == 0) and np.allclose(before[:, 1:], core[:, :-1])
    values = model.predict(ids, verbose=0)[..., 0]
    head = keras.Model(model.input, model.get_layer("head").output)
    steps = head.predict(ids, verbose=0)[..., 0]
    real = mask.astype(bool)
    assert np.allclose(values[real], np.cumsum(steps, axis=1)[real], rtol=1e-5, atol=1e-5)
    alone = model.predict(words.encode([3])[0], verbose=0)[0, :, 0]
    assert np.allclose(values[1, :1], alone, rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert np.allclose(loaded.predict(ids, verbose=0)[..., 0], values, rtol=1e-6, atol=1e-6)


def test_bad_split_is_one_line(tmp_path):
    """An unknown --split is one line, exit 2."""
    done = train("--task", "words_to_number", "--split", "novel", "--out", str(tmp_path),
                 check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "--split novel" in lines[0]
    assert not any(tmp_path.iterdir())
