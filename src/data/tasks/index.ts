// The registry of built-in tasks.

import { datesTask } from './dates';
import { enFrTask } from './enFr';
import { reverseTask } from './reverse';
import type { Task } from './types';

export { makeSplits, splitOf, lengthBuckets, SplitError, type SplitOptions, type Splits, type SplitName } from './splits';
export { checkExample, SampleError, type Example, type Link, type Task, type SampleOptions, type CuratedExample } from './types';

/** The ids of the built-in tasks, in menu order. */
export const TASK_IDS = ['en-fr', 'dates', 'reverse'] as const;
export type TaskId = (typeof TASK_IDS)[number];

const TASKS: Readonly<Record<TaskId, Task>> = { 'en-fr': enFrTask, dates: datesTask, reverse: reverseTask };

/** Whether `value` names a built-in task. */
export function isTaskId(value: unknown): value is TaskId {
  return typeof value === 'string' && (TASK_IDS as readonly string[]).includes(value);
}

/** The built-in task `id`; throws RangeError for an unknown id. */
export function getTask(id: TaskId): Task {
  if (!isTaskId(id)) throw new RangeError(`unknown task ${JSON.stringify(id)}; expected one of ${TASK_IDS.join(', ')}`);
  return TASKS[id];
}
