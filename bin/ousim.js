#!/usr/bin/env node
// Entry point of the `ousim` command: runs the TypeScript CLI through tsx's ESM loader,
// so the installed package needs no separate build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
