/**
 * Shape rules for layers without weights that change shapes: pooling, flatten/reshape/permute,
 * merges, repeatVector, padding, cropping and upsampling.
 */
import { num, raw, str, tuple } from './config-read';
import type { Value } from './ir';
import {
  convOutputLength,
  layout,
  plus,
  product,
  readShapeValue,
  times,
  unknown,
  weightless,
  type Rule,
  type Shape,
} from './shape-math';

export function pooling(rank: number): Rule {
  return (layer, [input]) => {
    const pool = tuple(layer, 'poolSize', rank, Array<number>(rank).fill(2));
    const strides = tuple(layer, 'strides', rank, pool);
    const padding = str(layer, 'padding', 'valid');
    if (!input) return unknown('input shape unknown');
    if (!pool || !strides || padding === null)
      return unknown('pool size, strides or padding unknown');
    const { channels, spatial, assemble } = layout(layer, input, rank);
    const out = spatial.map((size, i) => convOutputLength(size, pool[i], padding, strides[i]));
    return weightless(assemble(out, channels));
  };
}

export function globalPooling(rank: number): Rule {
  return (layer, [input]) => {
    if (!input) return unknown('input shape unknown');
    return weightless([input[0], layout(layer, input, rank).channels]);
  };
}

export const flatten: Rule = (_layer, [input]) =>
  input ? weightless([input[0], product(input.slice(1))]) : unknown('input shape unknown');

export const reshape: Rule = (layer, [input]) => {
  const target = raw(layer, 'targetShape');
  const dims = target ? readShapeValue(target) : null;
  if (!dims) return unknown('targetShape unknown');
  if (!input) return unknown('input shape unknown');
  const total = product(input.slice(1));
  const known = product(dims.filter((d) => d !== -1));
  const inferred = total !== null && known !== null && known !== 0 ? total / known : null;
  return weightless([input[0], ...dims.map((d) => (d === -1 ? inferred : d))]);
};

/**
 * add/multiply/...: the inputs' one shape (size-1 dimensions broadcast). An input of unknown shape
 * has that shape too, so the known inputs give it (a residual add of a block with an unknown layer
 * and its projected shortcut); a size-1 dimension among them may then be a broadcast one: unknown.
 */
export const elementwiseMerge: Rule = (_layer, inputs) => {
  const shapes = inputs.filter((s): s is Shape => s !== null);
  if (shapes.length === 0) return unknown('an input shape is unknown');
  const partial = shapes.length < inputs.length;
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return unknown('inputs of different ranks');
  const out = shapes[0].map((_, i) => {
    const size = shapes.map((s) => s[i]).find((d) => d !== null && d !== 1);
    if (size !== undefined) return size;
    return partial && shapes[0][i] === 1 ? null : shapes[0][i];
  });
  return weightless(out);
};

export const concatenate: Rule = (layer, inputs) => {
  const axisValue = num(layer, 'axis', -1);
  if (axisValue === null) return unknown('axis unknown');
  if (inputs.length === 0 || inputs.some((s) => s === null))
    return unknown('an input shape is unknown');
  const shapes = inputs as Shape[];
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return unknown('inputs of different ranks');
  const axis = axisValue < 0 ? rank + axisValue : axisValue;
  const out = shapes[0].map((_, i) =>
    i === axis
      ? shapes.reduce<number | null>((sum, s) => plus(sum, s[i]), 0)
      : (shapes.map((s) => s[i]).find((d) => d !== null) ?? null),
  );
  return weightless(out);
};

export const repeatVector: Rule = (layer, [input]) => {
  const n = num(layer, 'n');
  return input ? weightless([input[0], n, input[1]]) : unknown('input shape unknown');
};

export const permute: Rule = (layer, [input]) => {
  const dimsValue = raw(layer, 'dims');
  const dims = dimsValue ? readShapeValue(dimsValue) : null;
  if (!dims || !input) return unknown('dims or input shape unknown');
  return weightless([input[0], ...dims.map((d) => (d === null ? null : (input[d] ?? null)))]);
};

/** zeroPadding2d's `padding` and cropping2D's `cropping`: n, [a, b] or [[top, bottom], [left, right]]. */
function pairs(value: Value | null | undefined, fallback: number): [number, number][] | null {
  if (value === undefined)
    return [
      [fallback, fallback],
      [fallback, fallback],
    ];
  if (value?.kind === 'number')
    return [
      [value.value, value.value],
      [value.value, value.value],
    ];
  if (value?.kind !== 'array' || value.items.length !== 2) return null;
  const out: [number, number][] = [];
  for (const item of value.items) {
    if (item.kind === 'number') out.push([item.value, item.value]);
    else if (
      item.kind === 'array' &&
      item.items.length === 2 &&
      item.items.every((v) => v.kind === 'number')
    ) {
      const [a, b] = item.items as { kind: 'number'; value: number }[];
      out.push([a.value, b.value]);
    } else return null;
  }
  return out;
}

export function spatialResize(
  key: string,
  fallback: number,
  apply: (size: number, pair: [number, number]) => number,
): Rule {
  return (layer, [input]) => {
    const amounts = pairs(raw(layer, key), fallback);
    if (!amounts || !input) return unknown(`${key} or input shape unknown`);
    const { channels, spatial, assemble } = layout(layer, input, 2);
    return weightless(
      assemble(
        spatial.map((s, i) => (s === null ? null : apply(s, amounts[i]))),
        channels,
      ),
    );
  };
}

export const upSampling2d: Rule = (layer, [input]) => {
  const size = tuple(layer, 'size', 2, [2, 2]);
  if (!size || !input) return unknown('size or input shape unknown');
  const { channels, spatial, assemble } = layout(layer, input, 2);
  return weightless(
    assemble(
      spatial.map((s, i) => times(s, size[i])),
      channels,
    ),
  );
};
