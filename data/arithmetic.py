"""Inputs of the arithmetic tasks (Trask et al. 2018, 4.1, as reconstructed by stable-nalu).

Static: x in R^input_size, a = sum of x over subset A, b = sum over subset B, y = a op b.
Running: a sequence of vectors of size step_size; a and b accumulate over every step.
The subsets are drawn ONCE per task from its seed and fixed for all samples and batches
(early ports re-drew them per sample, or left b always 0, which made multiplication look
solved).
"""

import dataclasses
import itertools

import numpy as np

from errors import UsageError

OPERATIONS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "square": lambda a, b: a * a,
    "sqrt": lambda a, b: np.sqrt(a),
}


def range_parts(value, name="range"):
    """A range or a union of ranges as a tuple of (low, high) float pairs, each checked."""
    nested = len(value) > 0 and isinstance(value[0], (tuple, list))
    parts = tuple(tuple(float(bound) for bound in part) for part in (value if nested
                                                                     else [value]))
    for part in parts:
        if len(part) != 2 or not part[0] < part[1]:
            raise UsageError("a range is low,high with low < high", name, value)
    if not parts:
        raise UsageError("a range is low,high with low < high", name, value)
    return parts


@dataclasses.dataclass(frozen=True)
class ArithmeticData:
    """How operands are formed and drawn. A range is (low, high) of a uniform draw, or a
    union of such ranges ((low, high), (low, high), ...), drawn in proportion to width."""

    op: str = "add"
    form: str = "static"  # or "running"
    input_size: int = 100  # static: the vector; running: each step's vector
    subset_ratio: float = 0.25
    overlap_ratio: float = 0.5
    interpolation: tuple = (1.0, 2.0)
    extrapolation: tuple = (2.0, 6.0)

    def __post_init__(self):
        if self.op not in OPERATIONS:
            raise UsageError(f"unknown; choose from {', '.join(OPERATIONS)}", "op", self.op)
        if not 0 < self.subset_ratio <= 1:
            raise UsageError("must be in (0, 1]", "subset_ratio", self.subset_ratio)
        if not 0 <= self.overlap_ratio <= 1:
            raise UsageError("must be in [0, 1]", "overlap_ratio", self.overlap_ratio)
        for name in ("interpolation", "extrapolation"):
            value = range_parts(getattr(self, name), name)
            object.__setattr__(self, name, value[0] if len(value) == 1 else value)
        subset, overlap = self.subset_sizes()
        if subset < 1 or 2 * subset - overlap > self.input_size:
            raise UsageError(f"subsets of {subset} with overlap {overlap} do not fit in "
                             f"{self.input_size} inputs", "subset_ratio", self.subset_ratio)

    def subset_sizes(self):
        subset = int(round(self.subset_ratio * self.input_size))
        return subset, int(round(self.overlap_ratio * subset))

    def subsets(self, seed):
        """Index arrays (A, B), drawn once from `seed`; |A| = |B|, |A & B| = overlap."""
        subset, overlap = self.subset_sizes()
        order = np.random.default_rng([int(seed), 0xA11]).permutation(self.input_size)
        return np.sort(order[:subset]), np.sort(order[subset - overlap: 2 * subset - overlap])

    def masks(self, seed):
        """(input_size, 2) float mask: column 0 selects A, column 1 selects B."""
        first, second = self.subsets(seed)
        mask = np.zeros((self.input_size, 2), dtype="float32")
        mask[first, 0] = 1.0
        mask[second, 1] = 1.0
        return mask

    def draw(self, rng, count, value_range, length=None):
        """Inputs (count, input_size) or (count, length, input_size) from U[range]."""
        shape = (count, self.input_size) if length is None else (count, length, self.input_size)
        parts = range_parts(value_range)
        if len(parts) == 1:
            return rng.uniform(*parts[0], size=shape).astype("float32")
        widths = np.array([high - low for low, high in parts])
        chosen = rng.choice(len(parts), size=shape, p=widths / widths.sum())
        lows, highs = (np.array(bounds)[chosen] for bounds in zip(*parts, strict=True))
        return rng.uniform(lows, highs).astype("float32")

    def operands(self, inputs, mask):
        """(a, b), each (count,), summed over the subsets (and over time when running)."""
        totals = inputs @ mask  # (count, [length,] 2)
        if totals.ndim == 3:
            totals = totals.sum(axis=1)
        return totals[:, 0].astype("float64"), totals[:, 1].astype("float64")

    def targets(self, inputs, mask):
        """y = a op b, (count, 1) float32."""
        a, b = self.operands(inputs, mask)
        return OPERATIONS[self.op](a, b)[:, None].astype("float32")

    def prefix_targets(self, inputs, mask):
        """Running form: y after each step, a op b of the sums so far, (count, length)
        float32."""
        totals = np.cumsum((inputs @ mask).astype("float64"), axis=1)  # (count, length, 2)
        return OPERATIONS[self.op](totals[..., 0], totals[..., 1]).astype("float32")

    def perturbed_targets(self, inputs, mask, epsilon, signs=(1, 1, 1, 1)):
        """What the exact solution with every weight moved by epsilon outputs.

        `signs` = (a, b, output, recurrence): selection weights of a become 1 + s_a eps and
        unselected ones s_a eps (likewise for b), the output is scaled by 1 + s_out eps and,
        when running, the carried sums by 1 + s_rec eps at every step.
        """
        sign_a, sign_b, sign_output, sign_recurrence = signs
        weights = mask + epsilon * np.array([sign_a, sign_b], dtype="float64")
        if inputs.ndim == 3:
            totals = np.zeros((len(inputs), 2))
            for step in range(inputs.shape[1]):
                totals = ((1 + sign_recurrence * epsilon) * totals
                          + inputs[:, step].astype("float64") @ weights)
        else:
            totals = inputs.astype("float64") @ weights
        output = OPERATIONS[self.op](totals[:, 0], totals[:, 1]) * (1 + sign_output * epsilon)
        return output[:, None].astype("float64")

    def threshold(self, inputs, mask, epsilon):
        """The success threshold: the MSE of the epsilon-perturbed exact solution, taking
        the worst sign pattern (a fixed pattern lets errors cancel, e.g. in a - b)."""
        target = self.targets(inputs, mask).astype("float64")
        patterns = itertools.product((1, -1), repeat=4 if inputs.ndim == 3 else 3)
        return max(
            float(np.mean((self.perturbed_targets(inputs, mask, epsilon, (*pattern, 1)[:4])
                           - target) ** 2))
            for pattern in patterns
        )
