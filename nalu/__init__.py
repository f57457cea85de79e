"""Neural arithmetic units as Keras 3 layers and recurrent cells.

`import nalu` registers every layer, cell, regularizer and constraint for Keras
serialization and fills `nalu.UNITS` / `nalu.CELLS`, the registries every tool reads.
"""

from nalu.callbacks import RegularizerSchedule, ReinitializeOnStagnation
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.inalu import INALU, INALUCell
from nalu.initializers import CappedGlorotUniform
from nalu.nac import NAC, NACCell
from nalu.nalu import NALU, NALUCell
from nalu.nau import NAU, NAUCell
from nalu.nmru import NMRU, NMRUCell
from nalu.nmu import NMU, NMUCell
from nalu.npu import NPU, NPUCell
from nalu.nru import NRU, NRUCell
from nalu.real_npu import ModifiedRealNPU, ModifiedRealNPUCell, RealNPU, RealNPUCell
from nalu.registry import CELLS, UNITS, get_cell, get_unit
from nalu.regularizers import (
    CombinedRegularizer,
    DiscretizationRegularizer,
    GrowingL1Regularizer,
    ScheduledRegularizer,
    SparsityRegularizer,
    UnitMagnitudeRegularizer,
)
from nalu.snmu import SNMU, SNMUCell

__version__ = "0.1.0"

__all__ = [
    "CELLS", "UNITS", "INALU", "INALUCell", "NAC", "NACCell", "NALU", "NALUCell", "NAU",
    "NAUCell", "NMRU", "NMRUCell", "NMU", "NMUCell", "NPU", "NPUCell", "NRU", "NRUCell",
    "ModifiedRealNPU", "ModifiedRealNPUCell", "RealNPU", "RealNPUCell", "SNMU", "SNMUCell",
    "CappedGlorotUniform", "Clip", "CombinedRegularizer", "DiscretizationRegularizer",
    "GrowingL1Regularizer", "ReinitializeOnStagnation", "RegularizerSchedule",
    "ScheduledRegularizer", "SparsityRegularizer", "UnitCell", "UnitMagnitudeRegularizer",
    "get_cell", "get_unit",
]
