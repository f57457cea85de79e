"""How the arithmetic tasks train a model: the settings, the two static recipes, the defaults
of each model, its units' constructor options, and the optimizer."""

import dataclasses

import keras

import nalu
from tasks.arithmetic.models import BASELINES, layer_pair
from tasks.arithmetic.units import unit_training


@dataclasses.dataclass(frozen=True)
class ArithmeticSettings:
    """How a configuration is trained and scored."""

    steps: int = 60000
    batch_size: int = 128
    learning_rate: float = 0.1
    final_learning_rate_ratio: float = 1e-3  # the rate decays exponentially to lr * this
    schedule: str = "exponential"  # "hold": lr until hold_fraction, then /10, /100; "constant"
    hold_fraction: float = 0.8
    optimizer: str = "adam"  # or "rmsprop"
    beta_1: float = 0.9  # Adam's first-moment decay
    clip_value: float | None = None  # each gradient element clipped to +-clip_value
    clip_norm: float | None = None  # each copy's gradient norm clipped to clip_norm
    depth: int = 2  # static unit models: 2 = first layer -> unit, 1 = the unit alone
    train_length: int = 10  # running form only
    eval_length: int = 1000  # running form only
    eval_every: int = 1000
    eval_samples: int = 1000  # per seed (static); running uses eval_samples // 10
    pool_size: int = 4096  # training samples drawn once per seed, cycled through
    epsilon: float = 1e-5
    success_mse: float | None = None  # success below this MSE (None: the perturbed solution)
    # score each copy at the evaluation with its lowest interpolation MSE, not the last
    score_best_interpolation: bool = False
    identity_recurrence: bool = True  # running form: unit cells start as exact accumulators
    # running form: the loss covers the output after every step of a training sequence
    # (its prefixes, lengths 1 .. train_length), not only after the last
    prefix_loss: bool = False
    regularizer_start: float = 0.3  # fraction of the steps where the sparsity ramp starts
    regularizer_end: float = 0.6
    # unit name -> constructor options replacing the unit's defaults, e.g.
    # {"realnpu": {"kernel_initializer": "zeros"}}
    unit_options: dict = dataclasses.field(default_factory=dict)


STANDARD = ArithmeticSettings()
# Adam's beta_1 at 0.999 averages the gradient over ~1,000 steps: the recipe under which
# NAU -> NMU leaves the symmetric saddle of `mul` (see `default_settings`).
AVERAGED = ArithmeticSettings(
    steps=150000, learning_rate=0.03, schedule="hold", hold_fraction=0.8, beta_1=0.999,
    regularizer_start=0.6, regularizer_end=0.8,
)
RECIPES = {"standard": STANDARD, "averaged": AVERAGED}

# The running form's named model per operation: the best measured by
# `python -m benchmarks.running_ops` (Table 1's extra recurrent column). A NAC cell sums a
# and b; an NMU head multiplies them, a RealNPU head over a NAU accumulator divides and
# takes roots (its recipe: `tasks/arithmetic/units.py`).
RUNNING_MODELS = {"add": "nac", "sub": "nac", "mul": "nac-nmu", "square": "nac-nmu",
                  "div": "acc-nau-realnpu", "sqrt": "acc-nau-realnpu"}


def recipe_name(model_name):
    """The static recipe of a model: its output unit's (`tasks.arithmetic.units`)."""
    if model_name in BASELINES:
        return "standard"
    return unit_training(layer_pair(model_name)[1].unit_name).recipe


def default_settings(form, model_name=None):
    """The measured defaults of a model.

    Running: 20,000 steps at lr 0.01, exponential decay. Cells start at the identity
    recurrence; with lr 0.1, Adam's normalised steps walk the saturated recurrent weights
    away from it again after they had solved the task.
    Static, "standard" (every unit but the NMU): 60,000 steps, Adam 0.1 decayed to 1e-4.
    Static, "averaged" (models whose output unit is a NMU): NAU -> NMU on `mul` stalls at
    the symmetric point h1 = h2 = (a + b) / 2, where the gradient that separates a from b
    is about 1e-3 of the batch noise per weight; with beta_1 0.9 it takes about a million
    steps to leave it. With beta_1 0.999 it leaves in about 100,000 (median solved-at
    ~122,000; benchmarks/diagnostics/nmu_symmetry.py compares the settings): 150,000 steps, the rate
    held at 0.03 while the weights find their places, the sparsity ramp from 60% to 80%
    of the steps, then the rate drops 10x and 100x so that the weights settle within the
    1e-5 criterion. The NAC does worse under it (89% on add over 100 seeds against 100%),
    hence two recipes.
    Static, then the output unit's own changes (`UnitTraining.static`, e.g. the NMRU's
    gradient-norm clipping).
    """
    if form == "running":
        running = ArithmeticSettings(steps=20000, learning_rate=0.01)
        if model_name and model_name not in BASELINES and "-" in model_name:
            head = layer_pair(model_name)[1].unit_name
            running = dataclasses.replace(running, **unit_training(head).running_head)
        return running
    if not model_name:
        return STANDARD
    recipe = RECIPES[recipe_name(model_name)]
    if model_name in BASELINES:
        return recipe
    return dataclasses.replace(recipe, **unit_training(layer_pair(model_name)[1].unit_name)
                               .static)


# The penalties a unit's table entry may name (`tasks.arithmetic.units`): each makes a
# regularizer from (strength, ramp start step, ramp end step).
PENALTIES = {
    "sparsity": nalu.SparsityRegularizer,
    "discretization": nalu.DiscretizationRegularizer,
    "unit_magnitude": nalu.UnitMagnitudeRegularizer,
    # not ramped: 10x every 10,000 steps from its strength, up to 100x it
    "growing_l1": lambda strength, start, end: nalu.GrowingL1Regularizer(
        strength, 100 * strength, 10.0, 10_000),
}


def unit_options(settings):
    """Constructor arguments of a unit: its papers' penalties (`UnitTraining.penalties`,
    e.g. the NAU's and NMU's sparsity, iNALU's discretization), ramped in between
    `regularizer_start` and `regularizer_end`; the unit's `options`
    (`tasks.arithmetic.units`); then the settings' `unit_options`."""

    start = int(settings.regularizer_start * settings.steps)
    end = int(settings.regularizer_end * settings.steps)

    def options(unit_class):
        training = unit_training(unit_class.unit_name)
        chosen = {}
        for weight, penalties in training.penalties.items():
            parts = [PENALTIES[name](strength, start, end)
                     for name, strength in penalties.items()]
            chosen[f"{weight}_regularizer"] = (
                parts[0] if len(parts) == 1 else nalu.CombinedRegularizer(parts))
        return {**chosen, **training.options,
                **settings.unit_options.get(unit_class.unit_name, {})}

    return options


def learning_rate_schedule(settings):
    """Exponential decay to `lr * final_learning_rate_ratio`, hold-then-drop ("hold"), or a
    constant rate."""
    if settings.schedule == "constant":
        return settings.learning_rate
    if settings.schedule == "hold":
        first = int(settings.hold_fraction * settings.steps)
        second = (first + settings.steps) // 2
        rate = settings.learning_rate
        return keras.optimizers.schedules.PiecewiseConstantDecay(
            [first, second], [rate, rate / 10, rate / 100]
        )
    return keras.optimizers.schedules.ExponentialDecay(
        settings.learning_rate, settings.steps, settings.final_learning_rate_ratio
    )


def make_optimizer(settings):
    """Adam (with `beta_1`) or RMSprop at the schedule's rate; `clip_value` clips each
    gradient element, so the seeds' copies stay independent."""
    rate = learning_rate_schedule(settings)
    if settings.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate, clipvalue=settings.clip_value)
    return keras.optimizers.Adam(rate, beta_1=settings.beta_1, clipvalue=settings.clip_value)
