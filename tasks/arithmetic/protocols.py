"""The published protocols of the static arithmetic task, by name (`sweep.py --protocol`).

A protocol fixes what a paper fixed: how many inputs and which ranges, how deep the model
is, and how it is optimised. `madsen` (the default) is the 100-input task of Madsen &
Johansen (2020) with each unit's own recipe (`tasks.arithmetic.units`); the others are the
experiments of the papers that introduced a unit, so that a unit can be held against the
numbers its authors publish. A sweep flag given explicitly (`--lr`, `--steps`, a range)
overrides the protocol's value. A new protocol is one entry in `PROTOCOLS`.
"""

import dataclasses

from errors import UsageError


@dataclasses.dataclass(frozen=True)
class Protocol:
    description: str
    input_size: int | None = None  # None: the task's
    subset_ratio: float = 0.25
    overlap_ratio: float = 0.5
    interpolation: tuple = (1.0, 2.0)
    extrapolation: tuple = (2.0, 6.0)
    settings: dict = dataclasses.field(default_factory=dict)  # ArithmeticSettings fields
    # unit name -> ArithmeticSettings fields for that unit alone (its paper's rate, ...)
    unit_settings: dict = dataclasses.field(default_factory=dict)
    # several (interpolation, extrapolation) pairs, all trained by one sweep, each pair a
    # copy of every seed; empty: the one pair above
    range_pairs: tuple = ()
    differences: str = ""  # what this implementation does not reproduce

    def data_fields(self):
        return {"subset_ratio": self.subset_ratio, "overlap_ratio": self.overlap_ratio,
                "interpolation": self.interpolation, "extrapolation": self.extrapolation}

    def pairs(self):
        """The (interpolation, extrapolation) pairs a sweep trains."""
        return self.range_pairs or ((self.interpolation, self.extrapolation),)


# Two inputs, subsets of one input each and no overlap: a is one input, b the other.
PAIR = {"input_size": 2, "subset_ratio": 0.5, "overlap_ratio": 0.0}

PROTOCOLS = {
    "madsen": Protocol(
        "Madsen & Johansen 2020: 100 inputs, a and b sums over subsets of 25 overlapping "
        "by half, U[1,2] -> U[2,6], two unit layers, each unit's recipe",
    ),
    "inalu": Protocol(
        "Schloer, Ring & Hotho 2020, experiment 1: a op b of two inputs, one unit, inputs "
        "in [-3,3] -> [8,10], RMSprop 0.01, every gradient element "
        "clipped to 0.1, batch 64, 100 epochs of 64,000 samples, the discretization "
        "regularizer on from epoch 10",
        **PAIR, interpolation=(-3.0, 3.0), extrapolation=(8.0, 10.0),
        settings={"depth": 1, "optimizer": "rmsprop", "learning_rate": 0.01,
                  "schedule": "constant", "clip_value": 0.1, "batch_size": 64,
                  "steps": 100_000, "pool_size": 64_000, "regularizer_start": 0.1,
                  "regularizer_end": 0.1,
                  "unit_options": {"inalu": {"w_hat_initializer": "default"}}},
        differences="uniform draws where the paper draws a truncated normal over the same "
        "range; weights and gate updated together where the script alternates (8 of 10 "
        "batches weights, 2 gate); no re-initialisation of a stalled model; the iNALU "
        "paper's default initialisation (N(0.88, 0.2), N(0.5, 0.2)) where its experiment-1 "
        "script uses N(1, 0.1) and N(-1, 0.1); success by the epsilon criterion, not "
        "|error| < 1e-5",
    ),
    "npu": Protocol(
        "Heim, Pevny & Smidl 2020, simple arithmetic: a op b of two inputs, U[0.1,2] -> "
        "U[2,4], one unit, Adam 5e-3, batch 100, 20,000 steps",
        **PAIR, interpolation=(0.1, 2.0), extrapolation=(2.0, 4.0),
        settings={"depth": 1, "learning_rate": 5e-3, "schedule": "exponential",
                  "final_learning_rate_ratio": 1e-2, "batch_size": 100, "steps": 20_000},
        differences="one output (a op b) where the paper learns four at once with a hidden "
        "layer; no L1 penalty; the rate decays 100x over the run; the extrapolation range is "
        "chosen here",
    ),
}
# The NPU protocol with the power weights starting at zero (the paper: Glorot uniform). At
# W = 0 the output is 1 for every input, and the first gradient already points each weight
# the right way (up for a, down for b in a / b), where a random start can set out towards a
# wrong stationary point; with it the NPU and RealNPU learn division in most seeds.
PROTOCOLS["npu_zero"] = dataclasses.replace(
    PROTOCOLS["npu"],
    description=PROTOCOLS["npu"].description + "; the power weights start at zero",
    settings={**PROTOCOLS["npu"].settings, "unit_options": {
        "npu": {"real_initializer": "zeros"}, "realnpu": {"kernel_initializer": "zeros"}}},
    differences=PROTOCOLS["npu"].differences + "; W_re (RealNPU: W) starts at zero, not "
    "Glorot uniform",
)


# The single-module arithmetic task of Mistry et al. (the Primer, arXiv 2101.09530; the
# division paper, arXiv 2110.05177): one unit, a op b, nine range pairs, success when the
# extrapolation MSE at the evaluation of lowest interpolation MSE is below 1e-5.
SINGLE_MODULE_RANGES = (
    ((-20.0, -10.0), (-40.0, -20.0)),
    ((-2.0, -1.0), (-6.0, -2.0)),
    ((-1.2, -1.1), (-6.1, -1.2)),
    ((-0.2, -0.1), (-2.0, -0.2)),
    ((-2.0, 2.0), ((-6.0, -2.0), (2.0, 6.0))),
    ((0.1, 0.2), (0.2, 2.0)),
    ((1.0, 2.0), (2.0, 6.0)),
    ((1.1, 1.2), (1.2, 6.0)),
    ((10.0, 20.0), (20.0, 40.0)),
)
# The growing L1 penalty the RealNPU is trained with there (1e-9, 10x every 10,000 steps,
# up to 1e-7), on all its parameters: Keras configs, so that a sweep's settings stay JSON.
GROWING_L1 = {"class_name": "nalu>GrowingL1Regularizer",
              "config": {"strength": 1e-9, "end_strength": 1e-7, "growth": 10.0,
                         "every": 10_000}}
# The optimizer is pinned to the reference's (Adam, beta_1 0.9, no clipping unless the unit's
# paper clips): a unit's own static recipe may set others (the NMU's averages over ~1,000
# steps with beta_1 0.999), and the protocol starts from that recipe.
SINGLE_MODULE_SETTINGS = {
    "optimizer": "adam", "beta_1": 0.9, "clip_value": None, "clip_norm": None,
    "depth": 1, "learning_rate": 1e-3, "schedule": "constant", "batch_size": 128,
    "eval_every": 1000, "eval_samples": 10_000, "pool_size": 32_768, "success_mse": 1e-5,
    "score_best_interpolation": True, "regularizer_start": 0.5, "regularizer_end": 0.75,
}
SINGLE_MODULE_UNITS = {
    "nru": {"learning_rate": 1e-3},
    "nmru": {"learning_rate": 1e-2, "clip_norm": 1.0},
    "realnpu": {"learning_rate": 5e-3, "unit_options": {"realnpu": {
        "kernel_regularizer": GROWING_L1, "gate_regularizer": GROWING_L1}}},
    "realnpu_mod": {"learning_rate": 5e-3},
}
SINGLE_MODULE_DIFFERENCES = (
    "training samples from a pool of 32,768 per set, cycled (the reference draws a fresh "
    "batch every step); interpolation and extrapolation scored on 10,000 samples each every "
    "1,000 steps; every regularizer ramped from 50% to 75% of the run; Keras's Adam "
    "(epsilon 1e-7; the reference's PyTorch Adam has 1e-8)")
PROTOCOLS["smat"] = Protocol(
    "Mistry et al.'s single-module arithmetic task: a op b of two inputs, one unit, nine "
    "range pairs, Adam (1e-3 unless the unit's paper says otherwise), batch 128, 50,000 "
    "steps, success when the extrapolation MSE at the evaluation of lowest interpolation "
    "MSE is below 1e-5",
    **PAIR, settings={**SINGLE_MODULE_SETTINGS, "steps": 50_000},
    unit_settings=SINGLE_MODULE_UNITS, range_pairs=SINGLE_MODULE_RANGES,
    differences=SINGLE_MODULE_DIFFERENCES,
)
PROTOCOLS["smat10"] = dataclasses.replace(
    PROTOCOLS["smat"],
    description="the single-module task with redundancy: 10 inputs, a and b one input each "
    "(the other 8 distractors), 100,000 steps",
    input_size=10, subset_ratio=0.1, overlap_ratio=0.0,
    settings={**SINGLE_MODULE_SETTINGS, "steps": 100_000},
    differences=SINGLE_MODULE_DIFFERENCES + "; a and b are two inputs at random positions "
    "(the reference takes two adjacent ones at a random offset)",
)


def get_protocol(name):
    if name not in PROTOCOLS:
        raise UsageError(f"unknown; choose from {', '.join(PROTOCOLS)}", "protocol", name)
    return PROTOCOLS[name]
