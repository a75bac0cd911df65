/**
 * Shared pieces of the shape rules: the Shape type, arithmetic on partly known numbers, and the
 * tfjs conv/pooling length formulas (tfjs-layers utils/conv_utils).
 */
import { str } from './config-read';
import type { LayerNode, Value } from './ir';

export type Shape = (number | null)[];

export interface RuleResult {
  outputShape: Shape | null;
  params: number | null;
  fanIn: number | null;
  fanOut: number | null;
  note?: string;
}

export type Rule = (layer: LayerNode, inputs: (Shape | null)[]) => RuleResult;
export function readShapeValue(value: Value): Shape | null {
  if (value.kind !== 'array') return null;
  const dims: Shape = [];
  for (const item of value.items) {
    if (item.kind === 'number') dims.push(item.value);
    // A dimension the source computes from data (`x.shape[-1]`) is unknown; the others still count.
    else if (item.kind === 'null' || item.kind === 'unknown') dims.push(null);
    else return null;
  }
  return dims;
}

// ---- small arithmetic on partly known numbers ----

export function product(dims: (number | null)[]): number | null {
  let total = 1;
  for (const dim of dims) {
    if (dim === null) return null;
    total *= dim;
  }
  return total;
}

export const times = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a * b;
export const plus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a + b;

export function unknown(note: string): RuleResult {
  return { outputShape: null, params: null, fanIn: null, fanOut: null, note };
}

export function weightless(outputShape: Shape | null): RuleResult {
  return { outputShape, params: 0, fanIn: null, fanOut: null };
}

export function convOutputLength(
  size: number | null,
  kernel: number,
  padding: string,
  stride: number,
  dilation = 1,
): number | null {
  if (size === null) return null;
  const dilated = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' || padding === 'causal' ? size : size - dilated + 1;
  return Math.floor((length + stride - 1) / stride);
}

export function deconvLength(
  size: number | null,
  stride: number,
  kernel: number,
  padding: string,
): number | null {
  if (size === null) return null;
  return padding === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
}

export function layout(layer: LayerNode, input: Shape, rank: number) {
  if (input.length !== rank + 2)
    throw new Error(`expected a rank-${rank + 2} input, got rank ${input.length}`);
  const format = str(layer, 'dataFormat', 'channelsLast');
  if (format === null) throw new Error('dataFormat unknown');
  const first = format === 'channelsFirst';
  return {
    channels: first ? input[1] : input[rank + 1],
    spatial: first ? input.slice(2) : input.slice(1, rank + 1),
    assemble: (spatial: (number | null)[], channels: number | null): Shape =>
      first ? [input[0], channels, ...spatial] : [input[0], ...spatial, channels],
  };
}
