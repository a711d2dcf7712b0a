// jsdom has no canvas: its getContext() logs "Not implemented" and returns null. Return null
// quietly, as a browser that will not give a context does (the page handles both: e.g. the
// heatmap then renders its cells as elements). Tests that look at what is drawn install their
// own recording context (tests/ui/paintedHeatmap.test.tsx).
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
}
