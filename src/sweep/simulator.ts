/**
 * The one place where the experiments layer reaches into the simulator and the workload
 * loaders (the CSV writers: outputs.ts). Everything else in src/sweep goes through here, so a
 * change of those modules' names touches one file.
 */
export { simulate, reprice, simulationKey } from '../sim/simulate.ts';
export { prepareNetwork, needsPruning, pruningWeights, resolvedConfig } from '../sim/setup.ts';
export { loadTrace, resolveTracePath } from '../workload/trace.ts';
export { getMapper } from '../mapping/registry.ts';
