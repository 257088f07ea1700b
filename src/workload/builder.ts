/**
 * A small builder for trace documents, used by the zoo definitions and the NeuroSim importer.
 * Each call appends one layer that reads the previous one unless `from` says otherwise, and
 * returns the new layer's name so that residual branches can refer back to it.
 */
import { TRACE_FORMAT, TRACE_VERSION, type LayerSpec, type TraceFile } from './trace-format.ts';
import type { Shape3 } from './types.ts';

export interface ConvOptions {
  stride?: number;
  padding?: number;
  groups?: number;
  /** Producer; default the previous layer. */
  from?: string;
}

export class TraceBuilder {
  private readonly layers: LayerSpec[] = [];
  private last = 'input';

  constructor(
    readonly name: string,
    readonly inputShape: Shape3,
    readonly description?: string,
  ) {}

  /** Name of the most recent layer (`input` before the first). */
  get current(): string {
    return this.last;
  }

  private push(spec: LayerSpec, from: string[] | undefined): string {
    const previous = this.last;
    const inputs = from ?? [previous];
    const withInputs = inputs.length === 1 && inputs[0] === previous ? spec : { ...spec, inputs };
    this.layers.push(withInputs);
    this.last = spec.name;
    return spec.name;
  }

  conv(name: string, cout: number, kernel: number, options: ConvOptions = {}): string {
    const spec: LayerSpec = {
      name,
      type: 'conv',
      cout,
      kernel,
      stride: options.stride ?? 1,
      padding: options.padding ?? 0,
      groups: options.groups ?? 1,
    };
    return this.push(spec, options.from === undefined ? undefined : [options.from]);
  }

  maxPool(name: string, kernel: number, stride = kernel, padding = 0): string {
    return this.push({ name, type: 'pool', mode: 'max', kernel, stride, padding }, undefined);
  }

  globalAvgPool(name: string): string {
    return this.push({ name, type: 'pool', mode: 'avg', global: true }, undefined);
  }

  fc(name: string, outFeatures: number): string {
    return this.push({ name, type: 'fc', outFeatures }, undefined);
  }

  add(name: string, inputs: string[]): string {
    return this.push({ name, type: 'add' }, inputs);
  }

  concat(name: string, inputs: string[]): string {
    return this.push({ name, type: 'concat' }, inputs);
  }

  build(): TraceFile {
    return {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      name: this.name,
      ...(this.description !== undefined ? { description: this.description } : {}),
      inputShape: this.inputShape,
      layers: this.layers,
    };
  }
}
