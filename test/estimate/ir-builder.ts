/**
 * Builds ModelGraph IR by hand from plain layer configs, so tests of shapes and the estimate do not
 * depend on the extractor, and the very same configs can be handed to tfjs for comparison.
 */
import type { ConfigProp, LayerNode, ModelGraph, Span, Value } from '../../src/analysis/ir';

export interface LayerSpec {
  factory: string;
  config?: Record<string, unknown>;
  /** For bidirectional/timeDistributed: the wrapped layer. */
  inner?: LayerSpec;
}

const span: Span = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

export function toValue(value: unknown): Value {
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (value === null) return { kind: 'null' };
  if (value === undefined) return { kind: 'undefined' };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toValue) };
  if (value instanceof Unknown) return { kind: 'unknown', text: value.text };
  if (typeof value === 'object')
    return { kind: 'object', props: toProps(value as Record<string, unknown>) };
  return { kind: 'unknown', text: String(value) };
}

/** Marks a config value the extractor could not resolve. */
export class Unknown {
  constructor(readonly text: string) {}
}

function toProps(config: Record<string, unknown>): Record<string, ConfigProp> {
  const props: Record<string, ConfigProp> = {};
  for (const [key, value] of Object.entries(config)) {
    props[key] = { value: toValue(value), span, valueSpan: span, inherited: false };
  }
  return props;
}

export function layerNode(spec: LayerSpec, index: number): LayerNode {
  return {
    index,
    factory: spec.factory,
    config: { props: toProps(spec.config ?? {}), objectSpan: span, opaque: false, text: '' },
    callSpan: { ...span, line: index + 1 },
    ...(spec.inner ? { inner: layerNode(spec.inner, index) } : {}),
  };
}

export function sequentialModel(specs: LayerSpec[], loss?: string): ModelGraph {
  return {
    name: 'model',
    kind: 'sequential',
    anchor: span,
    span,
    layers: specs.map(layerNode),
    inputs: [],
    nodes: [],
    outputs: [],
    edges: [],
    training: {
      learningRate: null,
      fitCalls: [],
      customLoops: [],
      trained: false,
      clipping: { clipped: false, evidence: [] },
      ...(loss ? { loss: { name: loss, resolved: true, span, text: `'${loss}'` } } : {}),
    },
    unknowns: [],
  };
}

/** A functional graph: inputs by id with their shapes, and nodes applying layers to ids. */
export function functionalModel(
  inputs: Record<string, (number | null)[]>,
  layers: LayerSpec[],
  nodes: { id: string; layer: number; inputs: string[] }[],
  outputs: string[],
): ModelGraph {
  const model = sequentialModel(layers);
  model.kind = 'functional';
  model.inputs = Object.entries(inputs).map(([id, shape]) => ({ id, shape: toValue(shape), span }));
  model.nodes = nodes.map((node) => ({ ...node, span }));
  model.edges = nodes.flatMap((node) => node.inputs.map((from) => ({ from, to: node.id })));
  model.outputs = outputs;
  return model;
}
