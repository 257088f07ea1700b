/**
 * Event priorities of the simulator (docs/simulation.md). Within a cycle: crossbar work (the `ou`
 * fidelity's OU steps, touching nothing shared) runs first, then arrivals at layers, then copies that
 * finished a vector signal, then the arbiter books shared buffers and links for them in fixed order,
 * then layers held back by full copies (back-pressure) take new windows into the slots just freed.
 */
import { Priority } from '../engine/index.ts';

export const ARRIVAL_PRIORITY = Priority.DEFAULT + 10;
export const COMPLETE_PRIORITY = Priority.DEFAULT + 20;
export const ARBITER_PRIORITY = Priority.DEFAULT + 21;
export const REFILL_PRIORITY = Priority.DEFAULT + 22;
