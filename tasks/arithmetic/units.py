"""How the arithmetic tasks train each unit, in one table keyed by unit name.

The layers in `nalu/` know their math only; which recipe, which regularizer strength and
which unit goes below a unit are experiment settings and live here. A unit missing from the
table trains with `UnitTraining()`: the standard recipe, no sparsity regularizer, itself
as the first layer.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class UnitTraining:
    # the papers' penalties: weight name -> {penalty name: strength}, the penalties named in
    # `tasks.arithmetic.settings.PENALTIES` (ramped in over the run, except the growing L1)
    penalties: dict = dataclasses.field(default_factory=dict)
    recipe: str = "standard"  # static task recipe (tasks.arithmetic.settings.RECIPES)
    first_layer: str | None = None  # unit below it in a static two-layer model (None: itself)
    options: dict = dataclasses.field(default_factory=dict)  # constructor options
    # static form, this unit as the output unit: changes to its recipe's settings
    # (`tasks.arithmetic.settings.ArithmeticSettings` fields)
    static: dict = dataclasses.field(default_factory=dict)
    # running form, this unit as the head of a pair or accumulator model: changes to the
    # running settings
    running_head: dict = dataclasses.field(default_factory=dict)


UNIT_TRAINING = {
    # Madsen & Johansen 2020: NAU with sparsity 0.01; NMU with 10, below it a NAU computing
    # a and b; NAU -> NMU needs the averaged recipe to leave the symmetric saddle of `mul`
    "nau": UnitTraining(penalties={"kernel": {"sparsity": 0.01}}),
    "nmu": UnitTraining(penalties={"kernel": {"sparsity": 10.0}}, recipe="averaged",
                        first_layer="nau"),
    # the sNMU as the NMU (Mistry et al. 2022 train it with the NMU's regularizer)
    "snmu": UnitTraining(penalties={"kernel": {"sparsity": 10.0}}, recipe="averaged",
                         first_layer="nau"),
    # Mistry, Farrahi & Hare 2021: NRU and NMRU with the NMU's sparsity regularizer at 10;
    # the modified RealNPU with W pushed to +-1 and the gate to {0, 1} (strength 1 each) and
    # the RealNPU's L1 penalty on all its parameters, growing from 1e-9 to 1e-7
    "nru": UnitTraining(penalties={"kernel": {"sparsity": 10.0}}, first_layer="nau"),
    "nmru": UnitTraining(penalties={"kernel": {"sparsity": 10.0}}, first_layer="nau",
                         static={"clip_norm": 1.0}),
    "realnpu_mod": UnitTraining(penalties={
        "kernel": {"unit_magnitude": 1.0, "growing_l1": 1e-9},
        "gate": {"sparsity": 1.0, "growing_l1": 1e-9}}),
    # Schloer et al. 2020: 0.05 * mean(max(20 - |v|, 0)) on W_hat, M_hat and the gate, so
    # that tanh, sigmoid and the gate saturate; without it the gate stays inside (0, 1) and
    # both paths leak into every output. W_hat starts around 0, not at the paper's
    # N(0.88, 0.2): from that start the multiplicative path of a 100-input layer multiplies
    # all its inputs (W_m about 0.44 each) and the first outputs are ~1e7 times the targets
    # (tests/test_protocols.py); iNALU's own two-input protocol keeps the paper's start.
    "inalu": UnitTraining(penalties={
        weight: {"discretization": 0.05} for weight in ("w_hat", "m_hat", "gate")}, options={
        "w_hat_initializer": {"class_name": "RandomNormal",
                              "config": {"mean": 0.0, "stddev": 0.2}}}),
    # Running form, a RealNPU head (÷, √ over sequences): a and b over 10 steps of U[1,2]
    # inputs vary by about +-4% around their mean, so a / b and sqrt(a) are nearly linear
    # there, and many wrong exponents fit the final outputs. The loss on every prefix
    # (lengths 1-10: a from ~3 to ~30) pins the exponents. The gate starts at 1 (both
    # states relevant), and the rate is held lower for longer: the NAU's weights and the
    # exponents settle within the 1e-5 criterion only after ~100,000 steps, and a / b
    # succeeds more often the longer the run (20 seeds: 40% at 150,000 steps, 50% at
    # 300,000; benchmarks/running_ops.py).
    "realnpu": UnitTraining(running_head={
        "prefix_loss": True, "learning_rate": 0.03, "steps": 300_000,
        "unit_options": {"realnpu": {"gate_initializer": "ones"}}}),
}


def unit_training(name):
    """The training settings of the unit registered as `name`."""
    return UNIT_TRAINING.get(name, UnitTraining())
