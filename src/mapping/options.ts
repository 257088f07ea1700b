/**
 * A mapper's own options (Mapper.options, a zod object): reading them out of the generic
 * MapperOptions, and describing them for the command line and the tests. The zod schema is read
 * through its JSON Schema (z.toJSONSchema), so only what JSON Schema says is used: type, enum,
 * default, description.
 */
import { z } from 'zod';
import { InputError } from '../util/errors.ts';
import type { Mapper, MapperOptions } from './types.ts';

/** One option of one mapper, as the command line shows it. */
export interface MapperOptionSpec {
  /** Key in MapperOptions (`packing`). */
  key: string;
  /** The flag: the key in kebab case (`packing` -> `--packing`). */
  flag: string;
  type: 'string' | 'number' | 'boolean';
  /** The allowed values of a string option (its enum), if it lists them. */
  choices?: string[];
  default?: string | number | boolean;
  description: string;
  /** The mapper that declares it. */
  mapper: string;
}

interface JsonField {
  type?: string;
  enum?: string[];
  default?: string | number | boolean;
  description?: string;
}

/** `skipZeroOus` -> `skip-zero-ous`. */
export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The options a mapper declares, in declaration order. */
export function optionSpecs(mapper: Pick<Mapper, 'name' | 'options'>): MapperOptionSpec[] {
  const json = z.toJSONSchema(mapper.options, { io: 'input' }) as { properties?: Record<string, JsonField> };
  return Object.entries(json.properties ?? {}).map(([key, field]) => {
    const type = field.type === 'integer' ? 'number' : field.type;
    if (type !== 'string' && type !== 'number' && type !== 'boolean')
      throw new Error(`mapper ${mapper.name}: option ${key} must be a string, number or boolean`);
    return {
      key,
      flag: flagOf(key),
      type,
      ...(field.enum ? { choices: field.enum } : {}),
      ...(field.default !== undefined ? { default: field.default } : {}),
      description: field.description ?? '',
      mapper: mapper.name,
    };
  });
}

/**
 * The mapper's own options out of `options`, checked and with the schema's defaults filled in.
 * Bad values are an InputError naming the flag: an unknown enum value lists the allowed ones.
 */
export function readMapperOptions<S extends z.ZodObject>(
  mapper: { name: string; options: S },
  options: MapperOptions,
): z.output<S> {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(mapper.options.shape))
    if (options[key] !== undefined) own[key] = options[key];
  const parsed = mapper.options.safeParse(own);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0] ?? '');
  const given = own[key];
  const problem =
    issue.code === 'invalid_value'
      ? `unknown ${key} '${String(given)}' (${key}s: ${issue.values.map(String).join(', ')})`
      : `${issue.message}, got ${JSON.stringify(given)}`;
  throw new InputError(`--${flagOf(key)}`, '', problem);
}

/**
 * Every combination of the mapper's enum and boolean options (the others at their defaults): what
 * the tests run each mapper under, so that a new option value is checked without editing them.
 * Each comes with a label: the mapper's name, `/<value>` per enum option (`pattern/merge`) and
 * `/<key>` per boolean option that is on (`dense/skipZeroOus`).
 */
export function optionVariants(mapper: Pick<Mapper, 'name' | 'options'>): {
  label: string;
  options: MapperOptions;
}[] {
  let variants: { label: string; options: MapperOptions }[] = [{ label: mapper.name, options: {} }];
  for (const spec of optionSpecs(mapper)) {
    if (spec.choices) {
      const choices = spec.choices;
      variants = variants.flatMap((v) =>
        choices.map((value) => ({
          label: `${v.label}/${value}`,
          options: { ...v.options, [spec.key]: value },
        })),
      );
    } else if (spec.type === 'boolean') {
      variants = variants.flatMap((v) => [
        { label: v.label, options: { ...v.options, [spec.key]: false } },
        { label: `${v.label}/${spec.key}`, options: { ...v.options, [spec.key]: true } },
      ]);
    }
  }
  return variants;
}
