// Types for gifenc 1.0.3 (it ships none): only the parts gifEncode.ts uses. The library's own
// README documents these signatures; a palette is a list of [r, g, b] (or [r, g, b, a]) entries.

declare module 'gifenc' {
  export type GifPalette = number[][];
  export interface GifFrameOptions {
    palette?: GifPalette;
    /** Milliseconds; gifenc writes it in hundredths of a second. */
    delay?: number;
    /** -1 plays once, 0 loops forever, > 0 that many times. */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    colorDepth?: number;
    dispose?: number;
    first?: boolean;
  }
  export interface GifEncoderInstance {
    writeFrame(index: Uint8Array, width: number, height: number, options?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
    bytesView(): Uint8Array;
    reset(): void;
  }
  export function GIFEncoder(options?: { initialCapacity?: number; auto?: boolean }): GifEncoderInstance;
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: { format?: 'rgb565' | 'rgb444' | 'rgba4444' }): GifPalette;
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: GifPalette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
}
