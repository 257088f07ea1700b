/**
 * A toy priced action for docs/extending.md, "A new priced action": every partial sum a crossbar
 * produces is latched once per input vector by an output latch of 0.05 pJ, in its own energy part
 * `latch`. (A made-up component: it exists to show an action flowing through run, pricing, peak
 * power and the CSVs.)
 */
import { registerAction } from '../../src/energy/actions.ts';
import { registerPriceRule } from '../../src/energy/price-table.ts';
import { registerVectorAction } from '../../src/sim/vector-costs.ts';

export const TOY_ACTION = 'toyLatches';
export const TOY_LATCH_PJ = 0.05;

/** Registers the action, who counts it and its price row; returns the function that removes all three. */
export function registerToyAction(): () => void {
  const removals = [
    registerAction(TOY_ACTION),
    registerVectorAction(TOY_ACTION, (plan) => plan.outputsPerVector),
    registerPriceRule({
      component: 'output latch (toy)',
      actions: [TOY_ACTION],
      part: 'latch',
      pj: () => TOY_LATCH_PJ,
      price: `${TOY_LATCH_PJ} pJ (toy)`,
      peak: (ctx) => ctx.vectorsPerPeriod * ctx.outputsPerVector,
    }),
  ];
  return () => removals.reverse().forEach((remove) => remove());
}
