/**
 * A Keras model's IR says only what its code writes; where the code writes nothing, Keras's defaults apply,
 * not tfjs's. Before building, the probe writes every Keras default that differs from tfjs's into the layer
 * configs, and rebuilds Keras's truncated-normal initializers so their spread matches Keras's (frameworks.ts
 * holds the numbers). Each translation is returned as one sentence for the report.
 */
import { frameworkDefaults } from '../analysis/frameworks';
import type { ConfigProp, LayerNode, ModelGraph, Value } from '../analysis/ir';

const KERAS = frameworkDefaults('keras');
const TFJS = frameworkDefaults('tfjs');

/** Factories whose kernel initializer defaults differ (tfjs: glorotNormal; Keras: glorot_uniform). */
const KERNEL_DEFAULTS: Record<string, string> = {
  dense: 'kernelInitializer',
  conv1d: 'kernelInitializer',
  conv2d: 'kernelInitializer',
  conv3d: 'kernelInitializer',
  conv2dTranspose: 'kernelInitializer',
  conv3dTranspose: 'kernelInitializer',
  depthwiseConv2d: 'depthwiseInitializer',
  simpleRNN: 'kernelInitializer',
  lstm: 'kernelInitializer',
  gru: 'kernelInitializer',
  convLstm2d: 'kernelInitializer',
  simpleRNNCell: 'kernelInitializer',
  lstmCell: 'kernelInitializer',
  gruCell: 'kernelInitializer',
};

const LSTM_FACTORIES = new Set(['lstm', 'lstmCell', 'convLstm2d']);
const GATED_FACTORIES = new Set([...LSTM_FACTORIES, 'gru', 'gruCell']);
const GRU_FACTORIES = new Set(['gru', 'gruCell']);

/** Keras's truncated-normal initializers as variance scaling: [scale, mode]. */
const TRUNCATED_NORMALS: Record<string, [number, string]> = {
  heNormal: [2, 'fanIn'],
  glorotNormal: [1, 'fanAvg'],
  leCunNormal: [1, 'fanIn'],
  lecunNormal: [1, 'fanIn'],
  varianceScaling: [1, 'fanIn'],
};

const KERAS_NAMES: Record<string, string> = {
  heNormal: 'he_normal',
  glorotNormal: 'glorot_normal',
  leCunNormal: 'lecun_normal',
  lecunNormal: 'lecun_normal',
  varianceScaling: 'VarianceScaling',
};

/** Variance is stddev squared: Keras's 1/0.8796 on the stddev is 1.2924 on the scale. */
const SCALE_FACTOR = KERAS.truncatedNormalStddevFactor ** 2;

export interface KerasBuild {
  model: ModelGraph;
  notes: string[];
}

export function withKerasDefaults(ir: ModelGraph): KerasBuild {
  const notes = new Notes();
  const layers = ir.layers.map((node) => translateLayer(node, notes));
  return { model: { ...ir, layers }, notes: notes.sentences() };
}

function translateLayer(node: LayerNode, notes: Notes): LayerNode {
  const props = { ...node.config.props };
  const kernelKey = KERNEL_DEFAULTS[node.factory];
  if (kernelKey && !written(props[kernelKey])) {
    props[kernelKey] = prop({ kind: 'string', value: KERAS.kernelInitializer });
    notes.add(SENTENCES.kernel, node.index);
  }
  for (const [key, item] of Object.entries(props)) {
    if (!key.endsWith('Initializer') || !written(item)) continue;
    const rebuilt = truncatedNormal(item.value, key, node.index, notes);
    if (rebuilt) props[key] = prop(rebuilt);
  }
  if (LSTM_FACTORIES.has(node.factory) && !written(props['unitForgetBias'])) {
    props['unitForgetBias'] = prop({ kind: 'boolean', value: KERAS.unitForgetBias });
    notes.add(SENTENCES.forgetBias, node.index);
  }
  if (GATED_FACTORIES.has(node.factory) && !written(props['recurrentActivation'])) {
    props['recurrentActivation'] = prop({ kind: 'string', value: KERAS.recurrentActivation });
    notes.add(SENTENCES.gates, node.index);
  }
  if (GRU_FACTORIES.has(node.factory)) {
    const resetAfter = props['resetAfter']?.value;
    const keras = resetAfter?.kind === 'boolean' ? resetAfter.value : KERAS.gruResetAfter;
    delete props['resetAfter'];
    if (keras) notes.add(SENTENCES.resetAfter, node.index);
  }
  if (props['activityRegularizer']) {
    delete props['activityRegularizer'];
    notes.add(SENTENCES.activityRegularizer, node.index);
  }
  for (const key of ['activation', 'recurrentActivation']) {
    const value = props[key]?.value;
    if (value?.kind === 'string' && value.value === 'hardSigmoid')
      notes.add(SENTENCES.hardSigmoid, node.index);
  }
  const inner = node.inner ? translateLayer(node.inner, notes) : undefined;
  return {
    ...node,
    config: { ...node.config, props },
    ...(inner ? { inner } : {}),
  };
}

/**
 * he_normal, glorot_normal, lecun_normal and VarianceScaling with a (truncated or untruncated) normal
 * distribution, as tfjs varianceScaling with the scale Keras's draw has; null for any other initializer.
 */
function truncatedNormal(value: Value, key: string, index: number, notes: Notes): Value | null {
  const named = initializerName(value);
  if (!named || !TRUNCATED_NORMALS[named.name]) return null;
  const [defaultScale, defaultMode] = TRUNCATED_NORMALS[named.name]!;
  const options = named.options;
  let scale = defaultScale;
  let mode = defaultMode;
  let untruncated = false;
  const seed = options?.['seed'];
  if (named.name === 'varianceScaling') {
    const distribution = stringOf(options?.['distribution']) ?? 'truncated_normal';
    if (distribution === 'uniform') return null;
    untruncated = /^untruncated/i.test(distribution);
    const written = options?.['scale']?.value;
    if (written && written.kind !== 'number') {
      notes.add(
        `The ${key} of {layers} has a scale the probe cannot read, so it is built as written, with tfjs's truncated normal.`,
        index,
      );
      return null;
    }
    if (written?.kind === 'number') scale = written.value;
    mode = camelMode(stringOf(options?.['mode']) ?? 'fan_in');
  }
  const adjusted = scale * SCALE_FACTOR;
  const config: Record<string, ConfigProp> = {
    scale: prop({ kind: 'number', value: adjusted }),
    mode: prop({ kind: 'string', value: mode }),
    distribution: prop({ kind: 'string', value: 'normal' }),
    ...(seed && seed.value.kind !== 'null' ? { seed } : {}),
  };
  const keras = KERAS_NAMES[named.name]!;
  notes.add(
    untruncated
      ? `Keras's ${keras} (untruncated normal) in {layers} is built as tfjs varianceScaling with scale ${round(adjusted)}: a truncated normal with the same variance, since tfjs has no untruncated variance scaling.`
      : `Keras's ${keras} in {layers} is built as tfjs varianceScaling with scale ${round(adjusted)} (${round(scale)} / 0.8796²), so its spread matches Keras's truncated normal; tfjs's own is 0.88x narrower.`,
    index,
  );
  const text = `tf.initializers.varianceScaling({scale: ${round(adjusted)}, mode: '${mode}', distribution: 'normal'})`;
  return {
    kind: 'call',
    path: 'initializers.varianceScaling',
    args: [{ kind: 'object', props: config }],
    text,
  };
}

/** `'heNormal'` or `tf.initializers.heNormal({...})` -> its name and options. */
function initializerName(
  value: Value,
): { name: string; options: Record<string, ConfigProp> | null } | null {
  if (value.kind === 'string') return { name: value.value, options: null };
  if (value.kind !== 'call') return null;
  const match = /(?:^|\.)initializers\.(\w+)$/.exec(value.path);
  if (!match) return null;
  const arg = value.args[0];
  return { name: match[1]!, options: arg?.kind === 'object' ? arg.props : null };
}

function camelMode(mode: string): string {
  return mode.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function stringOf(item: ConfigProp | undefined): string | null {
  return item?.value.kind === 'string' ? item.value.value : null;
}

function written(item: ConfigProp | undefined): item is ConfigProp {
  return item !== undefined && item.value.kind !== 'undefined';
}

function prop(value: Value): ConfigProp {
  return { value, span: null, valueSpan: null, inherited: false };
}

function round(n: number): string {
  return String(Number(n.toPrecision(4)));
}

/** Sentence templates: `{layers}` becomes "layer 3" or "layers 0, 3, 6", `{is}` agrees with it. */
const SENTENCES = {
  kernel: `Keras's default kernel initializer glorot_uniform is written out for {layers} (tfjs's default is ${TFJS.kernelInitializer}).`,
  forgetBias: `Keras's LSTM default unit_forget_bias=True is written out for {layers}: the forget gate's bias starts at 1 (tfjs's default starts it at 0).`,
  gates: `Keras's default recurrent_activation 'sigmoid' is written out for {layers} (tfjs's default is ${TFJS.recurrentActivation}).`,
  resetAfter: `tfjs cannot build a GRU with reset_after=True (Keras's default); {layers} {is} probed with reset_after=False, whose gradients differ only in where the reset gate applies.`,
  activityRegularizer: `tfjs cannot apply an activity regularizer; {layers} {is} probed without it, so its penalty on the layer's outputs is not in the measured gradients.`,
  hardSigmoid: `hard_sigmoid in {layers} is built as tfjs's (slope 0.2, as Keras 2's); Keras 3's has slope 1/6.`,
} as const;

/** One sentence per translation, naming every layer it applies to, in the order first met. */
class Notes {
  private readonly layers = new Map<string, number[]>();

  add(template: string, index: number): void {
    const list = this.layers.get(template) ?? [];
    if (!list.includes(index)) list.push(index);
    this.layers.set(template, list);
  }

  sentences(): string[] {
    return [...this.layers].map(([template, list]) =>
      template
        .replace('{layers}', list.length === 1 ? `layer ${list[0]}` : `layers ${list.join(', ')}`)
        .replace('{is}', list.length === 1 ? 'is' : 'are'),
    );
  }
}
