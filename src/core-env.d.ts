// The few web-platform globals that the DOM-free layers (tensor, model, data, train) may use.
// They exist in browsers, workers and Node 20 alike; declaring them here (instead of pulling in
// lib.dom) keeps `tsconfig.core.json` honest about what those layers touch.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const crypto: {
  readonly subtle: {
    digest(algorithm: 'SHA-256', data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer>;
  };
  getRandomValues<T extends ArrayBufferView>(array: T): T;
};
declare function setTimeout(handler: () => void, timeout?: number): unknown;
declare const performance: { now(): number };
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
declare function clearTimeout(id: unknown): void;
