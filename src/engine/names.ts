/** A component name: an identifier, optionally followed by an index, e.g. `xbar` or `xbar[7]`. */
const COMPONENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?$/;

/** The name of the `index`-th member of an array of components: `indexedName('tile', 3)` is `tile[3]`. */
export function indexedName(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** True if `name` may name a component. */
export function isValidComponentName(name: string): boolean {
  return COMPONENT_NAME.test(name);
}

/**
 * Orders hierarchical paths so that output reads naturally and never depends on creation order:
 * segment by segment, base names by code unit, indices numerically (`tile[2]` before `tile[10]`),
 * a parent before its children.
 */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  const as = a.split('.');
  const bs = b.split('.');
  const n = Math.min(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(as[i], bs[i]);
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

function compareSegments(a: string, b: string): number {
  if (a === b) return 0;
  const [aBase, aIndex] = splitSegment(a);
  const [bBase, bIndex] = splitSegment(b);
  if (aBase !== bBase) return aBase < bBase ? -1 : 1;
  return aIndex - bIndex;
}

/** `tile[3]` -> ['tile', 3]; `chip` -> ['chip', -1] (an unindexed name sorts before its indexed kin). */
function splitSegment(segment: string): [string, number] {
  const open = segment.indexOf('[');
  if (open < 0) return [segment, -1];
  return [segment.slice(0, open), Number(segment.slice(open + 1, -1))];
}
