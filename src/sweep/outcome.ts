/**
 * What a worker sends back for one simulation task: the result, or the failure as data (worker
 * threads cannot pass an InputError's class, so its parts travel and are rebuilt here).
 */
import type { RunResult } from '../sim/types.ts';
import { InputError } from '../util/errors.ts';

export type TaskOutcome =
  | { ok: true; result: RunResult; ms: number }
  | {
      ok: false;
      message: string;
      /** Set when the failure is bad input: the InputError's parts, to rebuild it in the main thread. */
      input?: { source: string; field: string; problem: string };
      stack?: string;
    };

/**
 * The problem part of an InputError's message (without its `source: field: ` prefix), so that it
 * can be re-raised under another source (a sweep point) without naming the field twice.
 */
export function problemOf(error: InputError): string {
  const prefix = `${error.source}: ${error.field ? `${error.field}: ` : ''}`;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The InputError a failed outcome stands for, if it was bad input. */
export function inputErrorOf(outcome: TaskOutcome): InputError | undefined {
  if (outcome.ok || !outcome.input) return undefined;
  const { source, field, problem } = outcome.input;
  return new InputError(source, field, problem);
}
