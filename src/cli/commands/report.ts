/**
 * `ousim report`: one self-contained, interactive HTML file of a results folder (src/report/).
 */
import type { Argv, CommandModule } from 'yargs';
import { join } from 'node:path';

interface ReportArgs {
  in: string;
  out?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'one self-contained HTML report (tables, interactive figures) of a results folder',
  builder: (y: Argv) =>
    y
      .option('in', {
        type: 'string',
        default: 'results',
        describe: 'results folder (of ousim run, compare, map or sweep)',
      })
      .option('out', { type: 'string', describe: 'HTML file to write (default: <in>/report.html)' })
      .example('$0 report --in results --out report.html', 'the report of npm start')
      .example('$0 report --in results/sweep', 'sweep heatmaps with a metric selector'),
  handler: async (args) => {
    // Loaded here so that `--help` does not read the vega bundles' modules.
    const { writeReport } = await import('../../report/html.ts');
    const out = writeReport(args.in, args.out ?? join(args.in, 'report.html'));
    process.stdout.write(`${out}\n`);
  },
};
