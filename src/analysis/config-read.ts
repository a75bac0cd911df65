/**
 * Reading a layer's config values from the IR, tfjs-style.
 * undefined = absent (the tfjs default applies); null = present but not statically known.
 */
import type { LayerNode, Value } from './ir';

export function raw(layer: LayerNode, key: string): Value | null | undefined {
  const prop = layer.config.props[key];
  if (prop) return prop.value.kind === 'undefined' ? undefined : prop.value;
  return layer.config.opaque ? null : undefined;
}

export function num(layer: LayerNode, key: string, fallback: number | null = null): number | null {
  const value = raw(layer, key);
  if (value === undefined || value?.kind === 'null') return fallback;
  return value?.kind === 'number' ? value.value : null;
}

export function str(layer: LayerNode, key: string, fallback: string): string | null {
  const value = raw(layer, key);
  if (value === undefined || value?.kind === 'null') return fallback;
  return value?.kind === 'string' ? value.value : null;
}

export function bool(layer: LayerNode, key: string, fallback: boolean): boolean | null {
  const value = raw(layer, key);
  if (value === undefined || value?.kind === 'null') return fallback;
  return value?.kind === 'boolean' ? value.value : null;
}

/** A number or an n-tuple of numbers (kernelSize, strides, ...). */
export function tuple(
  layer: LayerNode,
  key: string,
  n: number,
  fallback: number[] | null,
): number[] | null {
  const value = raw(layer, key);
  if (value === undefined || value?.kind === 'null') return fallback;
  if (value?.kind === 'number') return Array<number>(n).fill(value.value);
  if (value?.kind !== 'array' || value.items.length !== n) return null;
  const items = value.items.map((item) => (item.kind === 'number' ? item.value : null));
  return items.every((item): item is number => item !== null) ? items : null;
}
