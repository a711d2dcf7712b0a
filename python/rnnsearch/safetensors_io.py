"""The safetensors file format, F32 and F16 only, with NumPy and the standard library.

The same layout as the TypeScript reader and writer (src/model/checkpoint/safetensors.ts):

    bytes [0, 8)       N, the header length: unsigned 64-bit little-endian
    bytes [8, 8 + N)   UTF-8 JSON, padded with spaces to a multiple of 8 bytes:
                       {"__metadata__": {str: str}?, "<name>": {"dtype": "F32" | "F16",
                        "shape": [...], "data_offsets": [begin, end]}, ...}
    bytes [8 + N, ...) every tensor row-major, little-endian, tiling the data with no gap.

The writer lays tensors out in the order given and writes the header exactly as the TypeScript
writer does (compact JSON, same key order), so the same tensors give the same bytes. The reader
checks what the TypeScript reader checks (docs/RELIABILITY.md, the checkpoint row) and raises
CheckpointError with a message naming the problem.
"""

from __future__ import annotations

import json
import struct
from collections import OrderedDict
from typing import Dict, Iterable, Mapping, Tuple

import numpy as np

METADATA_KEY = "__metadata__"
MAX_HEADER_BYTES = 1 << 20
DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2")}
FLOAT16_MAX = 65504.0


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or written; `code` names the failed check."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def encode(tensors: Iterable[Tuple[str, np.ndarray]], dtype: str = "F32", metadata: Mapping[str, str] | None = None) -> bytes:
    """Safetensors bytes of (name, float array) pairs, in this order, stored as `dtype`."""
    if dtype not in DTYPES:
        raise CheckpointError("invalid-argument", f'safetensors dtype must be "F32" or "F16", got {dtype!r}')
    parts = []
    if metadata:
        inner = ",".join(f"{_js(k)}:{_js(v)}" for k, v in metadata.items())
        parts.append(f"{_js(METADATA_KEY)}:{{{inner}}}")
    blobs = []
    offset = 0
    seen = set()
    for name, array in tensors:
        if not isinstance(name, str) or not name or name == METADATA_KEY:
            raise CheckpointError("invalid-argument", f"bad tensor name {name!r}")
        if name in seen:
            raise CheckpointError("invalid-argument", f"tensor name {name!r} appears twice")
        seen.add(name)
        a = np.asarray(array, dtype=np.float32)
        if not np.all(np.isfinite(a)):
            raise CheckpointError("non-finite", f"tensor {name!r} has a non-finite value; checkpoints hold finite values only")
        if dtype == "F16":
            if np.any(np.abs(a) > FLOAT16_MAX):
                # values that round to 65504 are fine; anything that rounds to infinity is not
                with np.errstate(over="ignore"):
                    half = a.astype("<f2")
                if not np.all(np.isfinite(half)):
                    raise CheckpointError("non-finite", f"tensor {name!r} overflows float16 (largest finite 65504); save as F32")
            data = a.astype("<f2").tobytes()
        else:
            data = a.astype("<f4").tobytes()
        end = offset + len(data)
        shape = ",".join(str(int(d)) for d in a.shape)
        parts.append(f'{_js(name)}:{{"dtype":"{dtype}","shape":[{shape}],"data_offsets":[{offset},{end}]}}')
        blobs.append(data)
        offset = end
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def decode(data: bytes) -> Tuple["OrderedDict[str, np.ndarray]", Dict[str, str], str]:
    """Read safetensors bytes: (float32 arrays by name in header order, metadata, the dtype)."""
    if len(data) < 8:
        raise CheckpointError("header-size", f"the weights file is {len(data)} bytes long; a safetensors file starts with an 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES:
        raise CheckpointError("header-size", f"the header length field says {n} bytes, over the cap of {MAX_HEADER_BYTES}")
    if n > len(data) - 8:
        raise CheckpointError("header-size", f"the header length field says {n} bytes, but only {len(data) - 8} follow it (truncated?)")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as err:
        raise CheckpointError("header-json", f"the header is not valid UTF-8 JSON: {err}") from None
    if not isinstance(header, dict):
        raise CheckpointError("header-json", "the header must be a JSON object")
    body = memoryview(data)[8 + n :]
    metadata = header.pop(METADATA_KEY, {}) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise CheckpointError("header-json", "__metadata__ must map strings to strings")
    spans = []
    out: "OrderedDict[str, np.ndarray]" = OrderedDict()
    dtypes = set()
    for name, entry in header.items():
        if not isinstance(entry, dict) or entry.get("dtype") not in DTYPES:
            raise CheckpointError("dtype", f"tensor {name!r}: dtype must be F32 or F16, got {entry.get('dtype') if isinstance(entry, dict) else entry!r}")
        shape = entry.get("shape")
        offsets = entry.get("data_offsets")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise CheckpointError("header-json", f"tensor {name!r}: bad shape {shape!r}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets) and 0 <= offsets[0] <= offsets[1] <= len(body)):
            raise CheckpointError("offsets", f"tensor {name!r}: bad data_offsets {offsets!r}")
        dt = DTYPES[entry["dtype"]]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count * dt.itemsize != offsets[1] - offsets[0]:
            raise CheckpointError("size", f"tensor {name!r}: shape {shape} needs {count * dt.itemsize} bytes, its span has {offsets[1] - offsets[0]}")
        arr = np.frombuffer(body[offsets[0] : offsets[1]], dtype=dt).astype(np.float32).reshape(shape)
        if not np.all(np.isfinite(arr)):
            raise CheckpointError("non-finite", f"tensor {name!r} has a non-finite value")
        out[name] = arr
        dtypes.add(entry["dtype"])
        spans.append((offsets[0], offsets[1], name))
    covered = 0
    for begin, end, name in sorted(spans):
        if begin != covered:
            raise CheckpointError("offsets", f"tensor {name!r} starts at {begin}, expected {covered}: a gap or an overlap")
        covered = end
    if covered != len(body):
        raise CheckpointError("offsets", f"the data section has {len(body)} bytes, but the tensors cover only {covered}")
    if len(dtypes) > 1:
        raise CheckpointError("dtype", f"the tensors mix dtypes {sorted(dtypes)}")
    return out, dict(metadata), (dtypes.pop() if dtypes else "F32")


def _js(s: str) -> str:
    """JSON text of a string as JavaScript's JSON.stringify writes it (non-ASCII kept)."""
    return json.dumps(s, ensure_ascii=False)


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"the key {dup!r} appears twice")
    return OrderedDict(pairs)
