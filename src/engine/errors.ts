/**
 * A misuse of the engine by simulator code (scheduling in the past, wiring after the run started,
 * releasing a resource that nobody holds ...). These are bugs in a model, not bad user input, so
 * they are plain Errors; the message always starts with the hierarchical name of the component
 * involved so that the culprit can be found in a large model.
 */
export class EngineError extends Error {
  /** Hierarchical name of the component involved, e.g. `chip.tile[3].pe[1]`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'EngineError';
    this.path = path;
  }
}

/**
 * An event or clock jump past MAX_CYCLE: the run is longer than the engine counts exactly. Unlike
 * other engine errors this follows from the input (latencies, clock, network size), so the
 * simulation turns it into an InputError naming the arch keys (src/sim/run-limits.ts).
 */
export class CycleLimitError extends EngineError {
  constructor(path: string, problem: string) {
    super(path, problem);
    this.name = 'CycleLimitError';
  }
}
