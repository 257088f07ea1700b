import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ARCH_DOC, renderArchDoc } from '../../scripts/arch-doc.ts';
import { loadArch } from '../../src/config/arch.ts';

/** Dotted paths of every leaf of an object. */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('docs/arch.md', () => {
  const doc = readFileSync(ARCH_DOC, 'utf8');

  it('is up to date with the schema, the ADC tables and the ISAAC validation (npx tsx scripts/arch-doc.ts)', () => {
    expect(renderArchDoc(doc) === doc, 'docs/arch.md is stale: run npx tsx scripts/arch-doc.ts').to.equal(
      true,
    );
  });

  it('documents every key of the arch file', () => {
    const { sources: _sources, ...rest } = loadArch('paper');
    for (const key of [...leaves(rest), 'sources']) expect(doc, key).to.contain(`\`${key}\``);
  });
});
