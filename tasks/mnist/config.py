"""The configuration of an MNIST digit-sequence run: train.py's flags for these tasks."""

import dataclasses

from errors import UsageError
from tasks.config import RunConfig, flag_name, setting


@dataclasses.dataclass
class MnistConfig(RunConfig):
    """A run of an MNIST digit-sequence task (tasks/mnist/)."""

    digits: str = setting("auto", "digit images: auto, bundled, mnist or a path")
    eval_sequences: int | None = setting(None, "test sequences per evaluation length", "int", 1)
    shift: int | None = setting(None, "move each training image by a random offset of up to "
                                "this many pixels (0: off)", "int", 0, 8)
    weight_decay: float | None = setting(None, "AdamW weight decay of the digit encoder's "
                                         "weights; the core and head are never decayed (0: "
                                         "off)", "float", None, 1)
    dropout: float | None = setting(None, "dropout rate on the encoder's 500-unit hidden layer "
                                    "while training (0: off)", "float", None, 1)
    test_shift: int | None = setting(None, "outside training, encode an image as the mean "
                                     "over the image moved by every offset of up to this "
                                     "many pixels, (2N+1)^2 copies (0: off)", "int", 0, 4)
    encoder_norm: str | None = setting(None, "layer normalisation in the digit encoder: after "
                                       "each hidden layer (layer), after each pooling and "
                                       "the dense layer (pooled), or none (the paper's encoder)")
    z_penalty: float | None = setting(None, "strength of Madsen & Johansen's regulariser of "
                                      "the encodings an NMU core multiplies, "
                                      "mean((1 - W) (1 - mean z)^2) (cores nmu, snmu; "
                                      "0: off)", "float")

    # a resumed run's batches depend on --shift, its model's layers on --encoder-norm
    ADDED_LATER = {"shift": 0, "weight_decay": 0, "dropout": 0, "test_shift": 0,
                   "encoder_norm": "none", "z_penalty": 0.0}

    def validate(self):
        super().validate()
        for name in ("weight_decay", "dropout"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise UsageError(f"{flag_name(name)} {value}: must be a number in [0, 1)")
        if self.z_penalty is not None and self.z_penalty < 0:
            raise UsageError(f"--z-penalty {self.z_penalty}: must be 0 or more")
