// How the page names a model (docs/ARCHITECTURE.md, "Model names"): a shipped model by its plain
// id (public/models/<id>/), a model of the reader's own — trained in the page, loaded from files or
// saved in this browser — by `user:` and its manifest id. The two never meet: a user's checkpoint
// whose manifest says `en-fr-additive` is `user:en-fr-additive`, and cannot take the place of the
// shipped model in the store, the picker, a link or an export (docs/RELIABILITY.md, "a user's
// checkpoint with a shipped model's id").

import { MODEL_REF, USER_MODEL_PREFIX } from '../model/domain';

/** Where a model comes from: shipped with the page, or the reader's own. */
export type ModelOrigin = 'shipped' | 'user';

/** The name the page (store, picker, links, exports) gives a model of this manifest id and origin. */
export function modelRef(manifestId: string, origin: ModelOrigin): string {
  return origin === 'user' ? `${USER_MODEL_PREFIX}${manifestId}` : manifestId;
}

/** Whether a model name names one of the reader's own models. */
export function isUserModelRef(ref: string): boolean {
  return ref.startsWith(USER_MODEL_PREFIX);
}

/** The manifest id inside a model name (the name itself for a shipped model). */
export function manifestIdOf(ref: string): string {
  return isUserModelRef(ref) ? ref.slice(USER_MODEL_PREFIX.length) : ref;
}

/** Whether `x` is a well-formed model name (a shipped id, or `user:` and a manifest id). */
export function isModelRef(x: unknown): x is string {
  return typeof x === 'string' && MODEL_REF.test(x);
}
