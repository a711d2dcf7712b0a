// The public API of src/export: the permalink codec, PNG text chunks, CSV/JSON tables, the SVG
// heatmap and the (partly browser-only) raster, clipboard and download helpers.

export {
  DEFAULT_SHARE_STATE,
  EDIT_WEIGHT_DECIMALS,
  MAX_EDITS,
  MAX_EDIT_WEIGHTS,
  MAX_FRAGMENT_CHARS,
  MAX_INFLATED_BYTES,
  MAX_PAGE_BEAM_WIDTH,
  MAX_SENTENCE_CHARS,
  MAX_STEP,
  MIN_BEAM_WIDTH,
  MODEL_REF,
  SHARE_VERSION,
  ShareStateError,
  USER_MODEL_PREFIX,
  buildFragment,
  canonicalShareState,
  defaultShareState,
  encodeShareState,
  isValidShareState,
  parseFragment,
} from './permalink';
export type {
  AttentionEdit,
  DecodingMode,
  Lang,
  Palette,
  ParsedFragment,
  ShareProblem,
  ShareState,
  ShareView,
  ThemeSetting,
  ValuesKind,
} from './permalink';

export { PERMALINK_KEYWORD, PNG_SIGNATURE, PngError, addPngTextChunk, crc32, pngDimensions, readPngTextChunks } from './png';

export { CSV_BOM, TableShapeError, csvTextCell, formatNumber, traceRows, traceToAlignment, traceToJson, weightsToCsv } from './tables';
export type { AlignmentJson, MatrixTable, TraceForExport } from './tables';

export {
  AXIS_TITLES,
  CAPTION_MAX_GRAPHEMES,
  EMBEDDED_FONT_FAMILY,
  FONT_STACK,
  HeatmapExportError,
  LABEL_MAX_GRAPHEMES,
  MAX_SVG_CELLS,
  THEME_COLOURS,
  buildHeatmapSvg,
  formatCellValue,
} from './heatmapSvg';
export { MISSING_FILL, colourDomain, colourScale, heatmapLayout, interpolator } from './heatmapModel';
export type { ColourFn, HeatmapLayout, HeatmapValues } from './heatmapModel';
export type { HeatmapSpec, HeatmapSvg, HeatmapSvgOptions } from './heatmapSvg';

export {
  DOWNLOAD_URL_LIFETIME_MS,
  IMAGE_LOAD_TIMEOUT_MS,
  MAX_PNG_READ_BYTES,
  MAX_RASTER_PIXELS,
  MAX_RASTER_SIDE,
  RasterError,
  copyPngToClipboard,
  downloadBlob,
  rasterSize,
  readPermalinkFromPng,
  safeFilename,
  svgDataUrl,
  svgToPngBlob,
  withPermalink,
} from './raster';
