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
  z.union([z.number().int().min(min), z.tuple([z.number().int().min(min), z.number().int().min(min)])], {
    error: `expected a whole number >= ${min} or a pair [height, width] of them`,
  });
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

const MulSchema = z.object({ ...layerBase, type: z.literal('mul') }).strict();
const ResizeSchema = z
  .object({
    ...layerBase,
    type: z.literal('resize'),
    mode: z.enum(['nearest', 'bilinear', 'depthToSpace']),
    scale: pair(1),
  })
  .strict();
const SliceSchema = z
  .object({
    ...layerBase,
    type: z.literal('slice'),
    channels: z.tuple([z.number().int().min(0), z.number().int().min(1)]),
  })
  .strict();

export const LayerSchema = z.discriminatedUnion('type', [
  ConvSchema,
  FcSchema,
  PoolSchema,
  AddSchema,
  ConcatSchema,
  MulSchema,
  ResizeSchema,
  SliceSchema,
]);

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex (64 characters)');

/** The model a trace was imported from: path relative to the trace file's folder, and its hash. */
export const SourceSchema = z.object({ format: z.literal('onnx'), path: z.string().min(1), sha256 }).strict();

/** One weight layer's captured input in the sidecar file (codes in CHW order, docs/traces.md). */
export const ActivationLayerSchema = z
  .object({
    layer: z.string().min(1),
    shape: shape,
    bits: z.number().int().min(1).max(16),
    scale: z.number().positive(),
    signed: z.boolean(),
    /** Byte offset of the layer's codes in the sidecar file. */
    offset: z.number().int().min(0),
  })
  .strict();

/**
 * Captured activations (`ousim capture`): a sidecar file of codes, one byte per value for up to 8 bits
 * (two bytes, little-endian, for 9 to 16), referenced by path relative to the trace and its hash.
 */
export const ActivationsSchema = z
  .object({
    file: z.string().min(1),
    sha256,
    /** Free text: the input image or tensor, its preprocessing, the quantisation scheme. */
    input: z.string().optional(),
    layers: z.array(ActivationLayerSchema).min(1),
  })
  .strict();

export const TraceSchema = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    inputShape: shape,
    source: SourceSchema.optional(),
    layers: z.array(LayerSchema).min(1),
    activations: ActivationsSchema.optional(),
  })
  .strict();

export type TraceFile = z.input<typeof TraceSchema>;
export type ActivationsSpec = z.input<typeof ActivationsSchema>;
export type LayerSpec = z.input<typeof LayerSchema>;
export type ParsedLayerSpec = z.output<typeof LayerSchema>;
export type ParsedTrace = z.output<typeof TraceSchema>;
