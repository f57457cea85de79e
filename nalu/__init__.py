"""Neural arithmetic units as Keras 3 layers and recurrent cells.

`import nalu` registers every layer, cell, regularizer and constraint for Keras
serialization and fills `nalu.UNITS` / `nalu.CELLS`, the registries every tool reads.
"""

from nalu.callbacks import RegularizerSchedule, ReinitializeOnStagnation
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.inalu import INALU, INALUCell
from nalu.nac import NAC, NACCell
from nalu.nalu import NALU, NALUCell
from nalu.nau import NAU, NAUCell
from nalu.nmu import NMU, NMUCell
from nalu.npu import NPU, NPUCell
from nalu.real_npu import RealNPU, RealNPUCell
from nalu.registry import CELLS, UNITS, get_cell, get_unit
from nalu.regularizers import DiscretizationRegularizer, ScheduledRegularizer, SparsityRegularizer

__version__ = "0.1.0"

__all__ = [
    "CELLS", "UNITS", "INALU", "INALUCell", "NAC", "NACCell", "NALU", "NALUCell", "NAU",
    "NAUCell", "NMU", "NMUCell", "NPU", "NPUCell", "RealNPU", "RealNPUCell", "Clip",
    "DiscretizationRegularizer", "ReinitializeOnStagnation", "RegularizerSchedule",
    "ScheduledRegularizer", "SparsityRegularizer", "UnitCell", "get_cell", "get_unit",
]
