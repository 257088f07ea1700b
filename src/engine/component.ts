import type { Logger } from 'pino';
import { createRng, type Rng } from '../util/rng.ts';
import { EngineError } from './errors.ts';
import { isValidComponentName } from './names.ts';
import type { Simulator } from './simulator.ts';
import { Counter, Formula, Scalar } from './stats.ts';

/**
 * A node of the hardware tree (`chip.tile[3].pe[1].xbar[7]`). Subclasses create their children,
 * ports, events and statistics in their constructor (the build phase), connect links in `wire()`,
 * schedule their first events in `start()` and settle accounts in `finish()`. The simulator calls
 * each hook on every component in tree order (parents before children, siblings in creation order).
 */
export class Component {
  readonly sim: Simulator;
  /** The last segment of the path, e.g. `xbar[7]`; see indexedName(). */
  readonly name: string;
  readonly parent: Component | undefined;
  /** Hierarchical name used in statistics, logs and error messages. */
  readonly path: string;
  readonly children: Component[] = [];
  private logger: Logger | undefined;

  constructor(sim: Simulator, name: string, parent?: Component) {
    const where = parent ? `${parent.path}.${name}` : name;
    if (!isValidComponentName(name)) {
      throw new EngineError(
        where,
        `'${name}' is not a valid component name (identifier, optionally [index])`,
      );
    }
    if (parent && parent.sim !== sim) throw new EngineError(where, 'parent belongs to another simulator');
    this.sim = sim;
    this.name = name;
    this.parent = parent;
    this.path = where;
    sim.addComponent(this);
    parent?.children.push(this);
  }

  /** Current cycle. */
  get now(): number {
    return this.sim.now;
  }

  /** Build -> wire: connect links and check connections. Default: nothing. */
  wire(): void {}

  /** Wire -> run: schedule the first events. Default: nothing. */
  start(): void {}

  /** Run -> finish: close open accounts (busy time up to now ...). Default: nothing. */
  finish(): void {}

  /** Registers a counter statistic of this component. `name` must end with `_${unit}`. */
  counter(name: string, unit: string, description: string): Counter {
    this.sim.assertCanWire(this, `register statistic '${name}'`);
    return this.sim.stats.register(new Counter(this.path, name, unit, description));
  }

  /** Registers a set-once statistic of this component. */
  scalar(name: string, unit: string, description: string): Scalar {
    this.sim.assertCanWire(this, `register statistic '${name}'`);
    return this.sim.stats.register(new Scalar(this.path, name, unit, description));
  }

  /** Registers a derived statistic, computed from others whenever the statistics are read. */
  formula(name: string, unit: string, description: string, compute: () => number): Formula {
    this.sim.assertCanWire(this, `register statistic '${name}'`);
    return this.sim.stats.register(new Formula(this.path, name, unit, description, compute));
  }

  /** This component's own random stream, derived from the run seed and its path (and `stream`). */
  rng(stream = ''): Rng {
    return createRng(this.sim.seed, stream ? `${this.path}/${stream}` : this.path);
  }

  /** A child of the simulator's logger that tags every line with this component's path. */
  get log(): Logger {
    this.logger ??= this.sim.log.child({ component: this.path });
    return this.logger;
  }

  /** An EngineError naming this component, for subclasses to throw. */
  error(problem: string): EngineError {
    return new EngineError(this.path, problem);
  }
}
