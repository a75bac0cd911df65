/**
 * Which layer of a second report (the model after a fix) is which layer of the first. A fix may insert or remove
 * layers (a batchNormalization after each dense), so positions shift; layers are matched by identity instead:
 * the name the code gives the layer, else its class and how many layers of that class come before it
 * ("the third Dense"). Layers of the second report that match nothing are returned apart.
 */
import type { LayerProbe } from '../probe/types';

export interface Alignment {
  /** For each layer of the first report (by its index), the same layer after the fix, or null. */
  matched: Map<number, LayerProbe | null>;
  /** Layers only in the second report (inserted by the fix). */
  added: LayerProbe[];
}

/** Names the probe generates when the code gives none (`L3_dense`): they follow positions, not identity. */
const GENERATED_NAME = /^L\d+_/;

export function alignLayers(before: LayerProbe[], after: LayerProbe[]): Alignment {
  const keysAfter = identities(after);
  const byKey = new Map<string, LayerProbe>();
  after.forEach((layer, i) => byKey.set(keysAfter[i]!, layer));
  const used = new Set<LayerProbe>();
  const matched = new Map<number, LayerProbe | null>();
  identities(before).forEach((key, i) => {
    const other = byKey.get(key) ?? null;
    if (other) used.add(other);
    matched.set(before[i]!.index, other);
  });
  return { matched, added: after.filter((layer) => !used.has(layer)) };
}

function identities(layers: LayerProbe[]): string[] {
  const seen = new Map<string, number>();
  return layers.map((layer) => {
    if (!GENERATED_NAME.test(layer.name)) return `name:${layer.name}`;
    const k = seen.get(layer.className) ?? 0;
    seen.set(layer.className, k + 1);
    return `class:${layer.className}#${k}`;
  });
}
