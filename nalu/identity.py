"""Starting a recurrent cell's state weights at the identity: the cell begins as an exact
accumulator (`nalu.UnitCell(identity_recurrence=True)`)."""

import numpy as np

SATURATION = 20.0  # tanh(20) == 1 and sigmoid(-20) ~ 2e-9 in float32


def assign_rows(variable, rows, block):
    """Set the first `rows` input rows of a (copies...,) in x out weight to `block`."""
    values = np.array(variable)
    values[..., :rows, :] = block
    variable.assign(values)


def identity_block(rows, units, on, off):
    """A (rows, units) block with `on` on the diagonal and `off` elsewhere."""
    if rows != units:
        raise ValueError(
            f"identity recurrence needs as many state inputs as units, received: "
            f"rows={rows}, units={units}"
        )
    return np.where(np.eye(rows, dtype=bool), on, off).astype("float32")


def start_nac_at_identity(w_hat, m_hat, rows, units):
    """Saturate the first `rows` rows of a NAC weight to the identity (0 elsewhere)."""
    assign_rows(w_hat, rows, identity_block(rows, units, SATURATION, 0.0))
    assign_rows(m_hat, rows, identity_block(rows, units, SATURATION, -SATURATION))


def start_linear_at_identity(kernel, rows, units):
    """Set the first `rows` rows of a plain weight to the identity (0 elsewhere)."""
    assign_rows(kernel, rows, identity_block(rows, units, 1.0, 0.0))
