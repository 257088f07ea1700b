/**
 * The package as a user installs it (`npm run test:api`, from .ci/run; kept out of `npm test` because it
 * builds dist/ and takes 15-30 s): `npm run build && npm pack`, the tarball installed into a fresh
 * project, then docs/api.md's examples run there, the JavaScript one with plain `node` (no tsx) and
 * the TypeScript one type-checked against the shipped declarations.
 *
 * Installing without network: the tarball is unpacked into the project's node_modules/ousim (what
 * `npm install <tgz>` does with it), and its own node_modules is a link to this repository's, which
 * `npm ci` filled with exactly the locked dependencies. `npm install --offline` from the npm cache
 * would do the same but copies every dependency (onnxruntime alone is hundreds of MB) and takes
 * minutes; what is under test is the package's contents, not npm's installer.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../../src/api/index.ts';
import { ROOT } from '../cli/cli-helpers.ts';

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** The fenced blocks of a markdown file tagged `lang`, in order. */
function codeBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm');
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) blocks.push(m[1]);
  return blocks;
}

describe('the installed package (docs/api.md)', function () {
  this.timeout(120_000);
  let dir = '';
  let project = '';
  let files: string[] = [];
  const doc = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ousim-pkg-'));
    run('npm', ['run', '--silent', 'build'], ROOT);
    const listing = run('npm', ['pack', '--json', '--pack-destination', dir], ROOT);
    const [packed] = JSON.parse(listing) as { filename: string; files: { path: string }[] }[];
    files = packed.files.map((f) => f.path);
    project = join(dir, 'project');
    const installed = join(project, 'node_modules', 'ousim');
    mkdirSync(installed, { recursive: true });
    run('tar', ['-xzf', join(dir, packed.filename), '-C', installed, '--strip-components=1'], dir);
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', '@types'), join(project, 'node_modules', '@types'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'try-ousim', type: 'module' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the built entry point and its declarations, not the tests', () => {
    for (const f of [
      'dist/api/index.js',
      'dist/api/index.d.ts',
      'dist/sweep/worker-entry.js',
      'bin/ousim.js',
    ])
      expect(files, f).to.include(f);
    expect(files.filter((f) => f.startsWith('test/'))).to.deep.equal([]);
    expect(readdirSync(join(project, 'node_modules', 'ousim', 'arch'))).to.include('paper.json');
  });

  it('runs the compiled CLI: the shipped build stamp matches the shipped src/, and the command works', async () => {
    const installed = join(project, 'node_modules', 'ousim');
    expect(files).to.include('dist/build-stamp.json');
    const { compiledEntry } = (await import(join(installed, 'bin', 'compiled.js'))) as {
      compiledEntry: (entry: string, root?: string) => string | undefined;
    };
    expect(compiledEntry('cli/main.js', installed)).to.match(/dist\/cli\/main\.js$/);
    const version = run(process.execPath, [join(installed, 'bin', 'ousim.js'), '--version'], project).trim();
    expect(version).to.equal(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it("runs the JavaScript example with plain node and prints what the repository's API computes", () => {
    const [example] = codeBlocks(doc, 'js');
    writeFileSync(join(project, 'example.mjs'), example);
    const out = run(process.execPath, ['example.mjs'], project).trim().split('\n');

    // The same calls on the TypeScript sources: the shipped build must compute the same numbers.
    const arch = api.loadArch('paper', { 'adc.bits': 6 });
    const { network, stats } = api.prune(api.loadTrace('tiny'), arch, { seed: 1 });
    const sim = api.simulate(network, arch, { mapping: 'pattern', seed: 1 });
    const cheaper = api.reprice(sim, api.loadArch('paper', { 'adc.bits': 5 }));
    expect(out).to.deep.equal([
      `pruned ${stats.filter((s) => s.status === 'pruned').length} layers of tiny`,
      `crossbars: dense ${api.map(network, arch, { mapping: 'dense' }).summary.crossbars}, ` +
        `pattern ${api.map(network, arch).summary.crossbars}`,
      `pattern: ${sim.summary.cycles} cycles, ${sim.summary.energy_pj} pJ`,
      `5-bit ADC: ${cheaper.summary.energy_pj} pJ`,
      // 3 ADC resolutions x 2 mappings, one simulation per mapping (adc.bits only changes prices).
      'sweep: 6 rows, 2 simulated, 4 re-priced',
      'report: results-api/report.html',
      'refused: --set: adc.bitz: unknown key',
    ]);
    // The report inlines vega from the installed dependencies and the page script from dist/.
    const html = readFileSync(join(project, 'results-api', 'report.html'), 'utf8');
    expect(html).to.include('vegaEmbed').and.to.include('heatmap-metric');
    // Cheaper ADC, same counts: the re-priced run costs less and keeps its cycles.
    expect(Number(cheaper.summary.energy_pj)).to.be.below(Number(sim.summary.energy_pj));
    expect(cheaper.summary.cycles).to.equal(sim.summary.cycles);
  });

  it('type-checks the TypeScript example against the shipped declarations, and rejects a wrong call', () => {
    const [example] = codeBlocks(doc, 'ts');
    writeFileSync(join(project, 'example.ts'), example);
    // The declarations are real types, not `any`: a misspelt fidelity must fail to compile.
    writeFileSync(
      join(project, 'wrong.ts'),
      `import { simulate, loadArch } from 'ousim';\nsimulate('tiny', loadArch(), { fidelity: 'slow' });\n`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['example.ts', 'wrong.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = spawnSync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], {
      cwd: project,
      encoding: 'utf8',
    });
    const errors = checked.stdout.split('\n').filter((line) => line.includes('error TS'));
    expect(errors, checked.stdout).to.have.length(1);
    expect(errors[0]).to.match(/^wrong\.ts\(2,.*'"slow"' is not assignable/);
  });

  it('runs the installed command', () => {
    const version = run(
      process.execPath,
      [join('node_modules', 'ousim', 'bin', 'ousim.js'), '--version'],
      project,
    );
    expect(version.trim()).to.equal(api.version);
  });
});
