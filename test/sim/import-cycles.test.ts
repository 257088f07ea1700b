import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../../src/util/paths.ts';

/** Folders whose modules must not import one another in a circle (type-only imports included). */
const FOLDERS = ['src/sim', 'src/hardware', 'src/energy', 'src/config'];

function moduleGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const name of readdirSync(join(projectRoot, folder))) {
      if (!name.endsWith('.ts')) continue;
      const file = join(projectRoot, folder, name);
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.{1,2}\/[^']+\.ts)';/gms)].map(
        (m) => relative(projectRoot, resolve(dirname(file), m[1])),
      );
      graph.set(relative(projectRoot, file), targets);
    }
  }
  return graph;
}

/** One import circle among the graph's modules, as a path, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done' || !graph.has(node)) return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)!) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('module imports', () => {
  it(`${FOLDERS.join(', ')}: no import circles, type-only imports included`, () => {
    const graph = moduleGraph();
    expect(graph.size).to.be.greaterThan(20);
    expect(findCycle(graph)?.join(' > ')).to.equal(undefined);
  });

  it('the check finds a circle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycle(graph)).to.deep.equal(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});
