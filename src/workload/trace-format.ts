/**
 * The JSON trace file, version 1 (docs/traces.md). This schema checks each field on its own;
 * the cross-layer checks (shapes chain, masks match shapes) live in shapes.ts and masks.ts.
 *
 * Shorthands the file may use: `kernel`, `stride` and `padding` as one number for a square
 * value, `inputs` left out for "the previous layer", `cin` / `inFeatures` / shapes left out
 * (inferred; checked when present).
 */
import { z } from 'zod';

export const TRACE_FORMAT = 'ousim-trace';
export const TRACE_VERSION = 1;

const count = z.number().int().min(1);
const pair = (min: number) =>
  z.union([z.number().int().min(min), z.tuple([z.number().int().min(min), z.number().int().min(min)])]);
const shape = z.tuple([count, count, count]);

const layerBase = {
  name: z
    .string()
    .min(1)
    .refine((n) => n !== 'input', { message: "'input' is reserved for the network input" }),
  inputs: z.array(z.string().min(1)).min(1).optional(),
  inShape: shape.optional(),
  outShape: shape.optional(),
  zeroInputFraction: z.number().min(0).max(1).optional(),
};

/** Pattern pruning, compact: the library once, then one byte per kernel in base64. */
export const PruningSchema = z
  .object({
    patterns: z
      .array(z.array(z.number().int().min(0)).min(1))
      .min(1)
      .max(255),
    kernels: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected a base64 string'),
  })
  .strict();

const ConvSchema = z
  .object({
    ...layerBase,
    type: z.literal('conv'),
    cin: count.optional(),
    cout: count,
    kernel: pair(1),
    stride: pair(1).default(1),
    padding: pair(0).default(0),
    groups: count.default(1),
    pruning: PruningSchema.optional(),
  })
  .strict();

const FcSchema = z
  .object({
    ...layerBase,
    type: z.literal('fc'),
    inFeatures: count.optional(),
    outFeatures: count,
  })
  .strict();

const PoolSchema = z
  .object({
    ...layerBase,
    type: z.literal('pool'),
    mode: z.enum(['max', 'avg']),
    global: z.boolean().default(false),
    kernel: pair(1).optional(),
    stride: pair(1).optional(),
    padding: pair(0).default(0),
    ceilMode: z.boolean().optional(),
  })
  .strict();

const AddSchema = z.object({ ...layerBase, type: z.literal('add') }).strict();
const ConcatSchema = z.object({ ...layerBase, type: z.literal('concat') }).strict();

export const LayerSchema = z.discriminatedUnion('type', [
  ConvSchema,
  FcSchema,
  PoolSchema,
  AddSchema,
  ConcatSchema,
]);

export const TraceSchema = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    inputShape: shape,
    layers: z.array(LayerSchema).min(1),
  })
  .strict();

export type TraceFile = z.input<typeof TraceSchema>;
export type LayerSpec = z.input<typeof LayerSchema>;
export type ParsedLayerSpec = z.output<typeof LayerSchema>;
export type ParsedTrace = z.output<typeof TraceSchema>;
