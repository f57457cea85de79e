"""The unit registry: a unit added here shows up in every CLI, sweep and report.

A unit file decorates its layer with `@register_unit("name")` and its recurrent cell with
`@register_cell("name")`, the one decorator each class needs: it also registers the class
for Keras serialization (`nalu>ClassName`). `UNITS` and `CELLS` are then read by `tasks/`,
`train.py` and `sweep.py`, so there is no hand-kept list of units anywhere else.
"""

import keras

serializable = keras.saving.register_keras_serializable(package="nalu")

UNITS = {}
CELLS = {}


def register_unit(name):
    """Class decorator: make a unit layer selectable as `name` (and serializable)."""

    def decorator(cls):
        if name in UNITS:
            raise ValueError(f"unit name {name!r} is registered twice")
        UNITS[name] = serializable(cls)
        cls.unit_name = name
        return cls

    return decorator


def register_cell(name):
    """Class decorator: make a recurrent cell selectable as `name` (and serializable)."""

    def decorator(cls):
        if name in CELLS:
            raise ValueError(f"cell name {name!r} is registered twice")
        CELLS[name] = serializable(cls)
        return cls

    return decorator


def get_unit(name):
    """The layer class registered as `name`; ValueError listing the choices otherwise."""
    if name not in UNITS:
        raise ValueError(f"unknown unit {name!r}; choose from {', '.join(sorted(UNITS))}")
    return UNITS[name]


def get_cell(name):
    """The cell class registered as `name`; ValueError listing the choices otherwise."""
    if name not in CELLS:
        raise ValueError(f"unknown cell {name!r}; choose from {', '.join(sorted(CELLS))}")
    return CELLS[name]
