#!/usr/bin/env node
// Entry point of the `ousim` command: the compiled CLI in dist/ when it is current for src/
// (bin/compiled.js; `npm run build`, shipped in the package), else src/ through tsx's ESM loader,
// so a fresh clone runs without a build step.
import { compiledEntry } from './compiled.js';

const compiled = compiledEntry('cli/main.js');
if (compiled) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
