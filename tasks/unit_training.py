"""How the arithmetic tasks train each unit, in one table keyed by unit name.

The layers in `nalu/` know their math only; which recipe, which regularizer strength and
which unit goes below a unit are experiment settings and live here. A unit missing from the
table trains with `UnitTraining()`: the standard recipe, no sparsity regularizer, itself
as the first layer.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class UnitTraining:
    sparsity_strength: float | None = None  # lambda_hat of the paper's sparsity regularizer
    discretization_strength: float | None = None  # iNALU's push of W_hat, M_hat, gate past 20
    recipe: str = "standard"  # static task recipe (tasks.arithmetic_training.RECIPES)
    first_layer: str | None = None  # unit below it in a static two-layer model (None: itself)


UNIT_TRAINING = {
    # Madsen & Johansen 2020: NAU with sparsity 0.01; NMU with 10, below it a NAU computing
    # a and b; NAU -> NMU needs the averaged recipe to leave the symmetric saddle of `mul`
    "nau": UnitTraining(sparsity_strength=0.01),
    "nmu": UnitTraining(sparsity_strength=10.0, recipe="averaged", first_layer="nau"),
    # Schloer et al. 2020: 0.05 * mean(max(20 - |v|, 0)) on W_hat, M_hat and the gate, so
    # that tanh, sigmoid and the gate saturate; without it the gate stays inside (0, 1) and
    # both paths leak into every output
    "inalu": UnitTraining(discretization_strength=0.05),
}


def unit_training(name):
    """The training settings of the unit registered as `name`."""
    return UNIT_TRAINING.get(name, UnitTraining())
