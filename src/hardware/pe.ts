/**
 * A processing element: a group of crossbars with their DACs, ADCs, sample-and-holds, shift-and-add
 * units and input/output registers. Its crossbars' OU pipelines are the timed part (OuPipeline or, in
 * the `ou` fidelity, OuController children); the PE reports what they did, in both fidelities alike.
 */
import { Component, indexedName, type Simulator } from '../engine/index.ts';
import { backStageCycles, type OuTiming } from './ou-pipeline.ts';

export class ProcessingElement extends Component {
  private crossbars = 0;
  private ouSteps = 0;
  private adcConversions = 0;
  private adcBusyCycles = 0;
  private readonly adcs: number;
  /** Length of the run, set when it ends (calendar bookings may end after the last event). */
  runCycles = 0;

  constructor(sim: Simulator, parent: Component, localIndex: number, adcsPerCrossbar: number) {
    super(sim, indexedName('pe', localIndex), parent);
    this.adcs = adcsPerCrossbar;
    this.formula('crossbars_count', 'count', 'crossbars holding weights', () => this.crossbars);
    this.formula('ou_steps_count', 'count', 'OU steps of all its crossbars', () => this.ouSteps);
    this.formula('adc_conversions_count', 'count', 'ADC conversions', () => this.adcConversions);
    this.formula(
      'adc_busy_cycles',
      'cycles',
      'crossbar-cycles its ADCs spent converting',
      () => this.adcBusyCycles,
    );
    this.formula('adc_utilisation_ratio', 'ratio', 'adc_busy_cycles / (crossbars x run cycles)', () =>
      this.crossbars === 0 || this.runCycles === 0
        ? 0
        : this.adcBusyCycles / (this.crossbars * this.runCycles),
    );
  }

  /** One crossbar of this PE, whose OU steps (columns per step) ran `vectors` x `slices` times. */
  account(ouCols: ArrayLike<number>, slices: number, vectors: number, timing: OuTiming): void {
    this.crossbars += 1;
    const sums = stepSums(ouCols, this.adcs, timing.adcCycles);
    const runs = slices * vectors;
    this.ouSteps += ouCols.length * runs;
    this.adcConversions += sums.conversions * runs;
    this.adcBusyCycles += sums.busy * runs;
  }

  /** One crossbar of this PE, with its totals counted as it ran (data-driven simulation). */
  accountTotals(steps: number, conversions: number, busyCycles: number): void {
    this.crossbars += 1;
    this.ouSteps += steps;
    this.adcConversions += conversions;
    this.adcBusyCycles += busyCycles;
  }
}

interface StepSums {
  adcs: number;
  adcCycles: number;
  /** Conversions and back-stage cycles of one pass over the steps. */
  conversions: number;
  busy: number;
}

/**
 * Sums by OU-step sequence: crossbars with the same plan share its `ouCols` array (src/mapping), so
 * each distinct sequence is summed once per run instead of once per crossbar (VGG-16 ImageNet: 33804
 * dense crossbars, 19 distinct sequences).
 */
const knownSums = new WeakMap<ArrayLike<number>, StepSums[]>();

function stepSums(ouCols: ArrayLike<number>, adcs: number, adcCycles: number): StepSums {
  let known = knownSums.get(ouCols);
  if (known) {
    for (const sums of known) if (sums.adcs === adcs && sums.adcCycles === adcCycles) return sums;
  } else {
    knownSums.set(ouCols, (known = []));
  }
  let conversions = 0;
  let busy = 0;
  for (let i = 0; i < ouCols.length; i++) {
    conversions += ouCols[i];
    busy += backStageCycles(ouCols[i], adcs, adcCycles);
  }
  const sums = { adcs, adcCycles, conversions, busy };
  known.push(sums);
  return sums;
}
