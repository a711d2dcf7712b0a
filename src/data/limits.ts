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

/**
 * Most characters of a side's text that reach its tokeniser (docs/RELIABILITY.md, "a very long
 * text typed or pasted"): the analysis reads only this prefix, so a pasted book costs no more than
 * a long paragraph (tokenising 1.7 MB once blocked the page for some 16 s). Every tokeniser here
 * makes at least one token per word and words average well under 8 characters, so 16 characters a
 * token leaves twice that margin for MAX_TOKENS_PER_SIDE tokens: 4,096 characters.
 */
export const MAX_ANALYSED_CHARS = 16 * MAX_TOKENS_PER_SIDE;

/**
 * Longest source or target text the page keeps (in the store and in local storage), in UTF-16
 * code units. What is typed or pasted beyond this is cut off with a notice; below it, the text is
 * kept whole even though only MAX_ANALYSED_CHARS of it are analysed.
 */
export const MAX_INPUT_CHARS = 1_000_000;
