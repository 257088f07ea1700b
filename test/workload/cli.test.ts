import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { importCommand } from '../../src/cli/commands/import.ts';
import { pruneCommand } from '../../src/cli/commands/prune.ts';
import { projectRoot } from '../../src/util/paths.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';
import { resnet18Onnx } from './onnx-builder.ts';

/** Runs a command in this process (fast), capturing what it writes. */
async function run(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const [out, err] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = (chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0;
  process.stderr.write = (chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0;
  try {
    await yargs(args).command(pruneCommand).command(importCommand).strict().exitProcess(false).parseAsync();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}

/** Runs the real executable (slow: a fresh process), for exit codes. */
function ousim(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    cwd: projectRoot,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('workload: ousim prune / import (command line)', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'ousim-cli-'));

  it('prune writes trace.json and patterns.csv, the same bytes for the same seed', async () => {
    await run('prune', '--trace', 'tiny', '--set', 'pattern.count=3', '--seed', '5', '--out', join(dir, 'a'));
    await run('prune', '--trace', 'tiny', '--set', 'pattern.count=3', '--seed', '5', '--out', join(dir, 'b'));
    for (const file of ['trace.json', 'patterns.csv'])
      expect(readFileSync(join(dir, 'a', file), 'utf8')).to.equal(readFileSync(join(dir, 'b', file), 'utf8'));
    const pruned = loadTrace(join(dir, 'a', 'trace.json'));
    for (const l of pruned.layers) if (l.type === 'conv') expect(l.pruning?.patterns.length).to.be.at.most(3);
    const csv = readFileSync(join(dir, 'a', 'patterns.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).to.match(/^layer,status,kernels,kept,pruned,kept_fraction,patterns,pattern_0/);
    expect(csv).to.have.length(4); // header + 3 conv layers
  });

  it('import of a torchvision-style ResNet-18 ONNX, then prune on it', async () => {
    const onnx = join(dir, 'resnet18.onnx');
    writeFileSync(onnx, resnet18Onnx());
    const out = join(dir, 'resnet18.json');
    const imp = await run('import', '--from', onnx, '--name', 'resnet18', '--out', out);
    expect(imp.stderr.trim().split('\n')).to.have.length(1); // one warning
    expect(imp.stderr).to.match(/warning: .*BatchNormalization x20/);
    const zoo = loadTrace(resolveTracePath('resnet18-imagenet'));
    expect(loadTrace(out).layers).to.deep.equal(zoo.layers);
    await run('prune', '--trace', out, '--set', 'pattern.connectivity=2', '--out', join(dir, 'r18p'));
    const pruned = loadTrace(join(dir, 'r18p', 'trace.json'));
    expect(pruned.layers.filter((l) => l.type === 'conv' && l.pruning)).to.have.length(16);
  });

  it('import of a NeuroSim NetWork.csv', async () => {
    const csv = join(dir, 'NetWork.csv');
    writeFileSync(csv, '32,32,3,3,3,16,1,1\n16,16,16,3,3,32,1,1\n1,1,2048,1,1,10,0,1\n');
    await run('import', '--from', csv, '--out', join(dir, 'small.json'));
    expect(loadTrace(join(dir, 'small.json')).layers.map((l) => l.type)).to.deep.equal([
      'conv',
      'pool',
      'conv',
      'pool',
      'fc',
    ]);
  });

  it('a broken trace: one line naming file, layer and field, exit code 2, no output', () => {
    const broken = join(dir, 'broken.json');
    const doc = JSON.parse(readFileSync(resolveTracePath('tiny'), 'utf8')) as { layers: { cin?: number }[] };
    doc.layers[1].cin = 5;
    writeFileSync(broken, JSON.stringify(doc));
    const r = ousim('prune', '--trace', broken, '--out', join(dir, 'never'));
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain(broken).and.contain("layers[1].cin (layer 'conv2')");
    expect(existsSync(join(dir, 'never'))).to.equal(false);
  });

  it('--help documents every flag', async () => {
    const prune = (await run('prune', '--help')).stdout;
    for (const flag of ['--trace', '--arch', '--set', '--seed', '--weights', '--out'])
      expect(prune).to.contain(flag);
    const imp = (await run('import', '--help')).stdout;
    for (const flag of ['--from', '--name', '--out']) expect(imp).to.contain(flag);
  });
});
