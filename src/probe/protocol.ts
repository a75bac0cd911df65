/**
 * Messages between the probe client (parent) and the probe worker (child process), sent over
 * Node's IPC channel with `serialization: 'advanced'` so non-finite numbers survive the trip.
 */
import type { BackendChoice, ProbeErrorCode, ProbeReport, ProbeRequest } from './types';

/** Which tfjs to load: decided by the parent (it knows trust), carried out by the worker. */
export interface BackendPlanInput {
  choice: BackendChoice;
  allowProjectTfjs: boolean;
  searchFrom: string;
}

export interface RunMessage {
  type: 'run';
  request: ProbeRequest;
  backend: BackendPlanInput;
  /** Send a first result (one step, smaller batch) of a large model before the full one. */
  preview?: boolean;
}

export type ParentMessage = RunMessage;

export interface ProgressMessage {
  type: 'progress';
  message: string;
}

export interface ResultMessage {
  type: 'result';
  report: ProbeReport;
}

/** A first result of a large model (report.preview says how it was reduced); the result follows. */
export interface PartialMessage {
  type: 'partial';
  report: ProbeReport;
}

export interface FailureMessage {
  type: 'failure';
  code: ProbeErrorCode;
  message: string;
  details: { layerIndex?: number; line?: number; needs?: string[] };
}

export type WorkerMessage = ProgressMessage | PartialMessage | ResultMessage | FailureMessage;

/** Test-only: makes the worker misbehave on purpose so the client's reaping can be tested. */
export const TEST_HOOK_ENV = 'GRADIENT_LENS_TEST_ONLY_WORKER_HOOK';
export type TestHook = 'hang' | 'hang-ignoring-sigterm' | 'crash' | 'heap-exhaustion';
/** Progress text a hook sends once its misbehaviour is armed. */
export const TEST_HOOK_READY = 'test hook armed';

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; message?: unknown; report?: unknown; code?: unknown };
  switch (message.type) {
    case 'progress':
      return typeof message.message === 'string';
    case 'result':
    case 'partial':
      return typeof message.report === 'object' && message.report !== null;
    case 'failure':
      return typeof message.code === 'string' && typeof message.message === 'string';
    default:
      return false;
  }
}

export function isRunMessage(value: unknown): value is RunMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<RunMessage>;
  return (
    message.type === 'run' &&
    typeof message.request === 'object' &&
    message.request !== null &&
    typeof message.backend === 'object' &&
    message.backend !== null
  );
}

/** Errors that mean memory ran out, whatever layer of the stack raised them. */
export const OUT_OF_MEMORY_PATTERN =
  /heap out of memory|Reached heap limit|Array buffer allocation failed|Maximum memory size exceeded|WebAssembly\.Memory|Cannot allocate memory|\bOOM\b|out of memory/i;
