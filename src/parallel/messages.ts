// Messages between the pool and its workers, and error transport across the thread boundary
// (an InputError thrown in a worker must still become exit code 1 with its hint).

import { InputError } from '../errors.js';
import type { LineProjection, RunOptions } from '../platform.js';
import type { RingMessage } from './batch-ring.js';
import type { ForwardedMessage } from './forwarding-collector.js';
import type { PlannedTask } from './plan.js';
import type { TaskResult } from './run-task.js';
import type { Mark } from '../timing.js';

/** A pipelined run's: the batch ring (batch-ring.ts) and what to project lines on. */
export interface PipeSetup {
  ring: SharedArrayBuffer;
  projection: LineProjection;
}

export type ToWorker = { type: 'init'; options: RunOptions; pipe?: PipeSetup } | { type: 'task'; task: PlannedTask } | { type: 'finish' };

export type FromWorker =
  | { type: 'bytes'; n: number; file: string }
  | { type: 'done'; result: TaskResult; spare?: ArrayBuffer; marks: Mark[] }
  | { type: 'error'; seq: number; error: SerializedError }
  | { type: 'partial'; packed: Uint8Array[]; marks: Mark[] }
  | RingMessage
  | ForwardedMessage;

export interface SerializedError {
  name: string;
  message: string;
  hint?: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof InputError) return { name: e.name, message: e.message, hint: e.hint };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

export function deserializeError(s: SerializedError): Error {
  if (s.name === 'InputError') return new InputError(s.message, s.hint);
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}
