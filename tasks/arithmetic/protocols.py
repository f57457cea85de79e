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
    differences: str = ""  # what this implementation does not reproduce

    def data_fields(self):
        return {"subset_ratio": self.subset_ratio, "overlap_ratio": self.overlap_ratio,
                "interpolation": self.interpolation, "extrapolation": self.extrapolation}


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


def get_protocol(name):
    if name not in PROTOCOLS:
        raise UsageError(f"unknown; choose from {', '.join(PROTOCOLS)}", "protocol", name)
    return PROTOCOLS[name]
