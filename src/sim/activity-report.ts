/**
 * The data-driven columns of layers.csv (docs/simulation.md, "Data-driven simulation"):
 * input_zero_fraction, input_bit_zero_fraction and ou_steps_skipped_fraction of one layer.
 */
import type { Arch } from '../config/arch.ts';
import type { LayerMapping } from '../mapping/types.ts';
import type { ActivationSet } from '../workload/activations.ts';
import { isWeightLayer } from '../workload/types.ts';
import { activationStats } from './activity.ts';
import type { LayerUnit } from './dataflow.ts';
import type { LayerResult } from './types.ts';

type Figures = Pick<LayerResult, 'inputZeroFraction' | 'inputBitZeroFraction' | 'ouStepsSkippedFraction'>;

/**
 * - captured activations: the measured zero fractions (values, and bits at `precision.inputBits`),
 *   whether or not `sparsity.skipZeroRows` is on;
 * - no activations, `sparsity.skipZeroRows` on: the zero fraction the what-if assumed, no bit figure;
 * - otherwise no input figures.
 * The skipped fraction is 1 - OU steps run / (static OU steps per vector x vectors), for every weight
 * layer (0 when nothing is skipped); non-weight layers get no figures.
 */
export function dataDrivenFigures(
  unit: LayerUnit,
  mapping: LayerMapping | undefined,
  activations: ActivationSet | undefined,
  arch: Arch,
): Figures {
  const layer = unit.layer;
  if (!isWeightLayer(layer) || !mapping) return {};
  const figures: Figures = {};
  const act = activations?.get(layer.name);
  if (act) {
    const stats = activationStats(act, arch);
    figures.inputZeroFraction = stats.zeroFraction;
    figures.inputBitZeroFraction = stats.bitZeroFraction;
  } else if (arch.sparsity.skipZeroRows) {
    figures.inputZeroFraction = layer.zeroInputFraction ?? arch.sparsity.zeroInputFraction;
  }
  let perVector = 0;
  for (const plan of mapping.crossbars) perVector += plan.ouRows.length * mapping.inputSlices;
  const staticSteps = perVector * unit.positionsStarted;
  figures.ouStepsSkippedFraction = staticSteps > 0 ? 1 - unit.counts.ouSteps / staticSteps : 0;
  return figures;
}
