// Caps that keep bad or huge input from freezing the page (see docs/RELIABILITY.md). One place, so the
// UI can quote the same numbers that the data layer enforces.

/** Longest token sequence per side (source or target) that the model and the views accept. */
export const MAX_TOKENS_PER_SIDE = 256;

/** Largest vocabulary (specials included) that `Vocab.fromJSON` accepts. */
export const MAX_VOCAB_SIZE = 100_000;

/** Largest sentence-pair file (in bytes) that the TSV importer reads. */
export const TSV_MAX_BYTES = 10 * 1024 * 1024;

/** Most sentence pairs that the TSV importer keeps from one file. */
export const TSV_MAX_PAIRS = 200_000;

/** Most per-line errors that the TSV importer reports before it gives up on a file. */
export const TSV_MAX_ERRORS = 1000;
