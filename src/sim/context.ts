/**
 * What every layer unit and copy of a run shares: the simulator, the arch, the fidelity and the
 * chip's shared hardware. A leaf of src/sim's imports, so that units, copies and the arbiter need
 * not import one another.
 */
import type { Arch } from '../config/arch.ts';
import type { Simulator } from '../engine/index.ts';
import type { MeshNoc } from '../hardware/noc.ts';
import type { OuTiming } from '../hardware/ou-pipeline.ts';
import type { ProcessingElement } from '../hardware/pe.ts';
import type { Tile } from '../hardware/tile.ts';
import type { ActivationSet } from '../workload/activations.ts';
import type { Arbiter } from './arbiter.ts';
import type { ImageLedger } from './image-ledger.ts';
import type { Fidelity } from './types.ts';

/** Shared hardware and constants every unit needs. */
export interface DataflowContext {
  sim: Simulator;
  arch: Arch;
  fidelity: Fidelity;
  noc: MeshNoc;
  tiles: Tile[];
  /** PEs by global index (parents of the `ou` fidelity's crossbar controllers). */
  pes: readonly ProcessingElement[];
  arbiter: Arbiter;
  ouTiming: OuTiming;
  activationCycles: number;
  /** Captured input activations by weight layer (data-driven simulation), when the network has them. */
  activations?: ActivationSet;
  /** Images streamed through the pipeline, and when each is complete. */
  images: number;
  ledger: ImageLedger;
  /** Called when the network's first layer starts the first position of an image (steady-state probe). */
  onImageEntered?: (image: number) => void;
}
