// The type of the store's slices (zustand's slices pattern) and what several slices share.

import type { StateCreator } from 'zustand';
import type { Store } from './store';

/** A slice of the one store: it may read and set the whole store (docs/ARCHITECTURE.md, "Layers"). */
export type Slice<T> = StateCreator<Store, [['zustand/persist', unknown]], [], T>;

/** "The last step", clamped to the trace when the analysis is derived (src/store/derived.ts). */
export const LAST_STEP = Number.MAX_SAFE_INTEGER;
