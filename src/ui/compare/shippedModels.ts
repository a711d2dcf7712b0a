// Shipped models for the views that show several at once (compare, story, length): each loads on
// demand, without switching the explorer's model, into the store's `models` (so "open in the
// explorer" is instant afterwards). One fetch per id at a time; a failure stays with its model and
// can be retried, and never affects the others.

import { useEffect, useState } from 'react';
import type { LoadedModel } from '../../model/bundle';
import { fetchModel } from '../../store/catalog';
import { errorReason } from '../../store/errorReason';
import type { NoticeVar } from '../../store/notices';
import { useStore } from '../../store/store';

export type ModelStatus = { state: 'ready'; model: LoadedModel } | { state: 'loading' } | { state: 'error'; message: NoticeVar };

const inflight = new Map<string, Promise<LoadedModel>>();

/** Load a shipped model into the store's cache (not switching to it); deduplicated by id. */
export function loadShipped(id: string): Promise<LoadedModel> {
  const have = useStore.getState().models[id];
  if (have) return Promise.resolve(have);
  let pending = inflight.get(id);
  if (!pending) {
    pending = fetchModel(id)
      .then((model) => {
        useStore.getState().cacheModel(model);
        return model;
      })
      .finally(() => inflight.delete(id));
    inflight.set(id, pending);
  }
  return pending;
}

/**
 * The status of each of `ids` (loaded, loading or failed), starting the loads that are needed.
 * `retry(id)` forgets a failure and tries again.
 */
export function useShippedModels(ids: readonly string[]): { status: Record<string, ModelStatus>; retry(id: string): void } {
  const models = useStore((s) => s.models);
  const [errors, setErrors] = useState<Record<string, NoticeVar>>({});
  const [attempt, setAttempt] = useState(0);
  const key = ids.join('\n');
  useEffect(() => {
    let live = true;
    for (const id of key.split('\n')) {
      if (!id || useStore.getState().models[id]) continue;
      loadShipped(id).catch((err: unknown) => {
        if (live) setErrors((e) => ({ ...e, [id]: errorReason(err) }));
      });
    }
    return () => {
      live = false;
    };
  }, [key, attempt]);
  const status: Record<string, ModelStatus> = {};
  for (const id of ids) {
    const model = models[id];
    const error = errors[id];
    status[id] = model ? { state: 'ready', model } : error !== undefined ? { state: 'error', message: error } : { state: 'loading' };
  }
  return {
    status,
    retry(id) {
      setErrors((e) => {
        const next = { ...e };
        delete next[id];
        return next;
      });
      setAttempt((a) => a + 1);
    },
  };
}
