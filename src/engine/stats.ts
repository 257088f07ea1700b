import { stringify } from 'csv-stringify/sync';
import { EngineError } from './errors.ts';
import { comparePaths } from './names.ts';

/** Statistic names and units are lower snake case; the name ends with its unit (`busy_cycles`). */
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;

/** What every statistic shows the registry. */
export interface Statistic {
  /** Hierarchical path of the component that owns it, e.g. `chip.tile[0].pe[1]`. */
  readonly component: string;
  /** Name carrying its unit, e.g. `adc_conversions_count`, `busy_cycles`, `energy_pj`. */
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly value: number;
}

/** A count that only goes up (well, by `add`): ADC conversions, messages, refusals. */
export class Counter implements Statistic {
  value = 0;

  constructor(
    readonly component: string,
    readonly name: string,
    readonly unit: string,
    readonly description: string,
  ) {}

  add(n = 1): void {
    this.value += n;
  }
}

/** A value set once, e.g. a configuration figure worth reporting next to the counts. */
export class Scalar implements Statistic {
  private stored = NaN;
  private isSet = false;

  constructor(
    readonly component: string,
    readonly name: string,
    readonly unit: string,
    readonly description: string,
  ) {}

  /** NaN until set (and written as `NaN` if never set, which is visible in the CSV on purpose). */
  get value(): number {
    return this.stored;
  }

  set(value: number): void {
    if (this.isSet)
      throw new EngineError(this.component, `scalar '${this.name}' is set-once and already set`);
    this.stored = value;
    this.isSet = true;
  }
}

/** A statistic derived from others, computed whenever it is read (so always current). */
export class Formula implements Statistic {
  constructor(
    readonly component: string,
    readonly name: string,
    readonly unit: string,
    readonly description: string,
    private readonly compute: () => number,
  ) {}

  get value(): number {
    return this.compute();
  }
}

/** One row of the tidy long-format statistics table. */
export interface StatRow {
  component: string;
  statistic: string;
  unit: string;
  value: number;
  description: string;
}

/** Column order of components.csv (docs/design.md §5). */
export const STATS_COLUMNS = ['component', 'statistic', 'unit', 'value', 'description'] as const;

/**
 * Every statistic of a simulation, by hierarchical path. Rows come out sorted by component path
 * (natural order, see comparePaths) and, within a component, in registration order, so the CSV is
 * byte-identical across runs whatever order the components were built in.
 */
export class StatsRegistry {
  private readonly stats: Statistic[] = [];
  private readonly byKey = new Map<string, Statistic>();

  /** Adds a statistic; throws if the name breaks the naming rule or is taken in that component. */
  register<S extends Statistic>(stat: S): S {
    const { component, name, unit } = stat;
    if (!SNAKE_CASE.test(unit)) {
      throw new EngineError(component, `statistic '${name}': unit '${unit}' must be lower snake case`);
    }
    if (!SNAKE_CASE.test(name) || !(name === unit || name.endsWith(`_${unit}`))) {
      throw new EngineError(
        component,
        `statistic '${name}' must be lower snake case and end with its unit '_${unit}' (e.g. 'busy_cycles')`,
      );
    }
    const key = `${component}\u0000${name}`;
    if (this.byKey.has(key)) throw new EngineError(component, `statistic '${name}' is registered twice`);
    this.byKey.set(key, stat);
    this.stats.push(stat);
    return stat;
  }

  /** The statistic `name` of the component at `path`, or undefined. */
  get(path: string, name: string): Statistic | undefined {
    return this.byKey.get(`${path}\u0000${name}`);
  }

  /** The value of statistic `name` of the component at `path`; throws if there is none. */
  value(path: string, name: string): number {
    const stat = this.get(path, name);
    if (!stat) throw new EngineError(path, `no statistic '${name}'`);
    return stat.value;
  }

  get size(): number {
    return this.stats.length;
  }

  /** Every counter, in registration order (steady-state jumps extrapolate them). */
  counters(): Counter[] {
    return this.stats.filter((stat): stat is Counter => stat instanceof Counter);
  }

  /** All statistics as rows, deterministically ordered; formulas are evaluated now. */
  rows(): StatRow[] {
    // Paths are compared once per distinct component (a run has tens of thousands of statistics on
    // a few thousand components), then statistics sort by that rank; paths that compare equal share one.
    const paths = [...new Set(this.stats.map((stat) => stat.component))].sort(comparePaths);
    const rank = new Map<string, number>();
    paths.forEach((path, i) => {
      rank.set(path, i > 0 && comparePaths(paths[i - 1], path) === 0 ? rank.get(paths[i - 1])! : i);
    });
    const ordered = this.stats
      .map((stat, order) => ({ stat, order, rank: rank.get(stat.component)! }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order);
    return ordered.map(({ stat }) => ({
      component: stat.component,
      statistic: stat.name,
      unit: stat.unit,
      value: stat.value,
      description: stat.description,
    }));
  }

  /** The tidy long CSV (header `component,statistic,unit,value,description`), via csv-stringify. */
  toCsv(): string {
    return stringify(this.rows(), {
      header: true,
      columns: [...STATS_COLUMNS],
      // Numbers as JavaScript prints them (shortest round-trip form): deterministic, locale-free.
      cast: { number: (value) => String(value) },
    });
  }
}
