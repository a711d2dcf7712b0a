"""python -m rnnsearch.resave SRC DST [--dtype F32|F16]: load a checkpoint with PyTorch and write it again.

The written folder (manifest.json, model.safetensors, tokenizer files) is what `npm run train`
writes and the TypeScript loader reads; with the same dtype the weights are bit-identical.
"""

import argparse

from .checkpoint import load_checkpoint, save_checkpoint


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m rnnsearch.resave", description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--dtype", choices=["F32", "F16"], help="weights precision (default: the source's)")
    ap.add_argument("--id", help="model id of the copy (default: the source's)")
    args = ap.parse_args(argv)
    ck = load_checkpoint(args.src)
    manifest = dict(ck.manifest)
    if args.id:
        manifest["id"] = args.id
    out = save_checkpoint(ck.model, args.dst, manifest, args.dtype or ck.dtype, ck.files, training={"writer": "pytorch"})
    print(f"wrote {args.dst}: {out['variant']}, {out['weights']['dtype']}, {out['weights']['byteLength']} bytes")


if __name__ == "__main__":
    main()
