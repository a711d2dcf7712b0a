"""PyTorch twin of the RNNsearch explorer's model (README, "PyTorch twin")."""

from .checkpoint import Checkpoint, config_from_manifest, load_checkpoint, save_checkpoint, weights_bytes
from .model import BOS_ID, EOS_ID, PAD_ID, UNK_ID, VARIANTS, Config, RNNSearch, diagonal_position, param_specs
from .safetensors_io import CheckpointError

__all__ = [
    "BOS_ID",
    "EOS_ID",
    "PAD_ID",
    "UNK_ID",
    "VARIANTS",
    "Checkpoint",
    "CheckpointError",
    "Config",
    "RNNSearch",
    "config_from_manifest",
    "diagonal_position",
    "load_checkpoint",
    "param_specs",
    "save_checkpoint",
    "weights_bytes",
]
