"""Small programs over integer variables, `+`, `-` and `if`, and the values they print.

The program evaluation task of Trask et al. (2018), section 4.4, after Zaremba & Sutskever's
"Learning to Execute" (arXiv 1410.4615). Every program has the same shape:

    a = 57              three constants of `digits` digits each
    b = 23
    c = 91
    c = a - b           `statements` statements, each one of
    if c > b: a = c + b     x = y + z    x = y - z    if u > v: x = y + z    if u > v: x = y - z
    b = a - c               (y != z, u != v; x, y, z, u, v among a, b, c)
    print(b)            -> 57

A program is fed one statement per time step, the integer of a constant as a value at its
step, never as characters: each step is the one-hot kind of the statement, one-hots of its
variables (target x, operands y and z, compared u and v) and the constant's value (0 where a
statement has none). See `FEATURES`.
"""

import numpy as np

from errors import UsageError

VARIABLES = ("a", "b", "c")
KINDS = ("set", "add", "sub", "if_add", "if_sub", "print")
ROLES = ("target", "left", "right", "compare_left", "compare_right")
# a step's features: kind one-hot, then a one-hot of VARIABLES per role, then the value
FEATURES = len(KINDS) + len(ROLES) * len(VARIABLES) + 1
VALUE = FEATURES - 1  # the value's column
STATEMENT_KINDS = ("add", "sub", "if_add", "if_sub")


def constant_range(digits):
    """The integers of exactly `digits` digits: [10**(digits-1), 10**digits)."""
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 6:
        raise UsageError(f"digits {digits}: must be an integer from 1 to 6")
    return (10 ** (digits - 1) if digits > 1 else 0), 10 ** digits


def generate(count, digits, statements, rng):
    """`count` random programs: (steps (count, 3 + statements + 1, 5) int64, values
    (count,) int64). A step is (kind, target, left, right, compare_left, compare_right,
    constant) as indices into KINDS and VARIABLES, one row per step; see `encode`."""
    if not isinstance(statements, int) or isinstance(statements, bool) or statements < 0:
        raise UsageError(f"statements {statements}: must be a non-negative integer")
    low, high = constant_range(digits)
    length = len(VARIABLES) + statements + 1
    steps = np.zeros((count, length, 7), dtype=np.int64)
    names = np.arange(len(VARIABLES))
    steps[:, :3, 0] = KINDS.index("set")
    steps[:, :3, 1] = names
    steps[:, :3, 6] = rng.integers(low, high, size=(count, 3))
    for index in range(3, 3 + statements):
        steps[:, index, 0] = rng.choice([KINDS.index(kind) for kind in STATEMENT_KINDS], count)
        steps[:, index, 1] = rng.integers(0, 3, count)
        for first, second in ((2, 3), (4, 5)):  # two different variables
            steps[:, index, first] = rng.integers(0, 3, count)
            steps[:, index, second] = (steps[:, index, first] + rng.integers(1, 3, count)) % 3
    steps[:, -1, 0] = KINDS.index("print")
    steps[:, -1, 1] = rng.integers(0, 3, count)
    return steps, run_programs(steps)


def run_programs(steps):
    """The value each program prints (exact integers)."""
    count = len(steps)
    rows = np.arange(count)
    memory = np.zeros((count, len(VARIABLES)), dtype=np.int64)
    printed = np.zeros(count, dtype=np.int64)
    for step in np.moveaxis(steps, 1, 0):
        kind, target, left, right, compare_left, compare_right, constant = step.T
        name = np.array(KINDS)[kind]
        total = memory[rows, left] + memory[rows, right]
        difference = memory[rows, left] - memory[rows, right]
        condition = memory[rows, compare_left] > memory[rows, compare_right]
        new = np.select(
            [name == "set", name == "add", name == "sub",
             (name == "if_add") & condition, (name == "if_sub") & condition],
            [constant, total, difference, total, difference],
            default=memory[rows, target])
        printed = np.where(name == "print", memory[rows, target], printed)
        memory[rows, target] = np.where(name == "print", memory[rows, target], new)
    return printed


def encode(steps):
    """Steps as network inputs (count, length, FEATURES) float32: one-hots and the value."""
    count, length, _ = steps.shape
    features = np.zeros((count, length, FEATURES), dtype=np.float32)
    grid = np.ix_(np.arange(count), np.arange(length))
    features[(*grid, steps[..., 0])] = 1
    for role in range(len(ROLES)):
        offset = len(KINDS) + role * len(VARIABLES)
        used = role_used(steps[..., 0], role)
        features[(*grid, offset + steps[..., 1 + role])] = used
    features[..., VALUE] = steps[..., 6]
    return features


def role_used(kinds, role):
    """Whether steps of these kinds have the variable of `role` (ROLES[role])."""
    name = ROLES[role]
    if name == "target":
        return np.ones(kinds.shape, dtype=np.float32)
    if name in ("left", "right"):
        return np.isin(kinds, [KINDS.index(kind) for kind in STATEMENT_KINDS]).astype("float32")
    return np.isin(kinds, [KINDS.index("if_add"), KINDS.index("if_sub")]).astype("float32")


def program_text(program):
    """One program's steps (length, 7) as Python source that prints its value."""
    lines = []
    for kind, target, left, right, compare_left, compare_right, constant in program:
        name, x = KINDS[kind], VARIABLES[target]
        y, z = VARIABLES[left], VARIABLES[right]
        operation = {"add": "+", "sub": "-", "if_add": "+", "if_sub": "-"}.get(name)
        if name == "set":
            lines.append(f"{x} = {constant}")
        elif name == "print":
            lines.append(f"print({x})")
        elif name.startswith("if_"):
            u, v = VARIABLES[compare_left], VARIABLES[compare_right]
            lines.append(f"if {u} > {v}: {x} = {y} {operation} {z}")
        else:
            lines.append(f"{x} = {y} {operation} {z}")
    return "\n".join(lines)


def digit_match(predictions, values):
    """The share of matching decimal digits between each rounded prediction and its value:
    both right-aligned and padded with zeros to the longer of the two; a wrong sign (or a
    prediction that is not a number) matches no digit."""
    shares = np.zeros(len(values))
    for index, (guess, value) in enumerate(zip(predictions, values, strict=True)):
        if not np.isfinite(guess):
            continue
        guess, value = int(np.round(guess)), int(value)
        if (guess < 0) != (value < 0):
            continue
        width = max(len(str(abs(guess))), len(str(abs(value))))
        pairs = zip(str(abs(guess)).zfill(width), str(abs(value)).zfill(width), strict=True)
        shares[index] = sum(a == b for a, b in pairs) / width
    return shares
