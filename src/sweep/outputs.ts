/** The run-output writers (summary.csv and friends) that sweeps and compare reuse. */
export { summaryRows, writeRunOutputs } from '../output/csv.ts';
