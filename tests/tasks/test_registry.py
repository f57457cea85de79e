"""The registries: a new task family or a new unit is one place, and every command finds it."""

import json
import sys
import textwrap

import numpy as np
import pytest

import nalu
from tasks.registry import TASKS
from tests.conftest import refused_in_process

FAMILY = {
    "__init__.py": "from tally import task  # noqa: F401\n",
    "task.py": '''
        """A family for the registry test: the share of ones in random bits, no model."""

        import dataclasses

        import numpy as np

        from errors import UsageError
        from tasks.config import RunConfig, setting
        from tasks.registry import register_task


        @dataclasses.dataclass
        class TallyConfig(RunConfig):
            ones: float | None = setting(None, "chance of a one", "float", 0, 1)


        @dataclasses.dataclass(frozen=True)
        class TallyTask:
            name: str = "tally"
            family = "tally"
            description: str = "share of ones"
            config_class = TallyConfig

            def defaults_for(self, config):
                return {"ones": 0.5, "length": 100}

            def check(self, config):
                if config.core is not None:
                    raise UsageError(f"--core {config.core}: tally has no model")

            def load_inputs(self, config):
                rng = np.random.default_rng(config.seed)
                return rng.random(config.length) < config.ones

            def run(self, config, folder, bits):
                return None, {"task": self.name, "metrics": {"share": float(bits.mean())}}

            def metrics_table(self, metrics):
                return f"| share |\\n|---:|\\n| {metrics['share']:.3f} |"

            def rescore(self, run, request):
                print("rescored " + self.metrics_table(run.results["metrics"]))

            def report_table(self, runs):
                return "".join(f"tally {run.folder.name} {run.results['metrics']['share']}\\n"
                               for run in runs)

            def report_figures(self, runs, pictures):
                return {}


        register_task(TallyTask())
    ''',
}


@pytest.fixture
def tally_family(tmp_path, monkeypatch):
    """A task family written as one folder and imported once."""
    folder = tmp_path / "families" / "tally"
    folder.mkdir(parents=True)
    for name, text in FAMILY.items():
        (folder / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(folder.parent))
    __import__("tally")
    yield
    TASKS.pop("tally", None)
    for module in [name for name in sys.modules if name.split(".")[0] == "tally"]:
        del sys.modules[module]


def test_a_new_task_family_is_one_folder_and_one_import(tally_family, tmp_path, capsys):
    """train.py, evaluate.py and report.py run a family they have never heard of."""
    import evaluate
    import report
    import train

    assert train.main(["--task", "tally", "--ones", "0.25", "--out", str(tmp_path / "runs"),
                       "--name", "t", "--quiet"]) == 0
    run = tmp_path / "runs" / "t"
    share = json.loads((run / "results.json").read_text())["metrics"]["share"]
    assert 0.1 < share < 0.4 and json.loads((run / "config.json").read_text())["ones"] == 0.25
    assert f"| {share:.3f} |" in capsys.readouterr().out
    code, lines = refused_in_process(train.main, ["--task", "tally", "--ones", "2", "--out",
                                                  str(tmp_path / "runs")], capsys)
    assert code == 2 and len(lines) == 1 and lines[0].endswith("--ones 2.0: must be below 1")
    assert evaluate.main([str(run)]) == 0
    assert "rescored | share |" in capsys.readouterr().out
    assert report.main([str(run), "--out", str(tmp_path / "reports")]) == 0
    assert (tmp_path / "reports" / "report" / "table.md").read_text() == f"tally t {share}\n"


UNIT = '''
    from keras import ops

    from nalu.base import DEFAULT, LinearUnit
    from nalu.registry import register_unit


    @register_unit("doubled")
    class Doubled(LinearUnit):
        """y = 2 x W."""

        def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                     kernel_constraint=DEFAULT, copy_seeds=None, **kwargs):
            super().__init__(units, copy_seeds=copy_seeds, **kwargs)
            self.set_weight_options(locals())

        def call(self, inputs):
            return 2 * ops.matmul(inputs, self.kernel)
'''


def test_a_new_unit_is_one_file(tmp_path, monkeypatch):
    """A unit file's one decorator makes it a head, a sweep model and a Keras layer."""
    import keras

    from tasks import cores
    from tasks.arithmetic.sweep import SweepConfig

    (tmp_path / "doubled_unit.py").write_text(textwrap.dedent(UNIT))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        module = __import__("doubled_unit")
        assert "doubled" in cores.head_names() and nalu.get_unit("doubled") is module.Doubled
        assert keras.saving.get_registered_object("nalu>Doubled") is module.Doubled
        [plan] = SweepConfig(units=("nau-doubled",), steps=10).validate()
        assert plan.label == "nau-doubled" and plan.settings.steps == 10
        layer = module.Doubled(1, kernel_initializer="ones")
        assert float(layer(np.array([[1.0, 2.0]], dtype="float32"))[0, 0]) == 6.0
    finally:
        nalu.UNITS.pop("doubled", None)
        sys.modules.pop("doubled_unit", None)


SAVED_NAMES = ["tasks>ResumableDropout", "tasks>ShiftCopies", "tasks>ShiftMean",
               "tasks>SequenceEncoder", "tasks>EncoderAdamW", "tasks>RunningSum",
               "tasks>Previous", *(f"nalu>{cls.__name__}" for cls in nalu.UNITS.values())]


@pytest.mark.parametrize("name", SAVED_NAMES)
def test_names_in_saved_models_still_resolve(name):
    """Every class name a saved run's model.keras refers to resolves after `import tasks`."""
    import keras

    import tasks  # noqa: F401  (registers the families' layers)

    found = keras.saving.get_registered_object(name)
    assert found is not None and found.__name__ == name.split(">")[1]
