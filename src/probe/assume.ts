/**
 * Role defaults: what the probe assumes for a value the code leaves open, from the role the value plays in
 * the model (the first layer's input width, a vocabulary size, the number of classes, a hidden width, ...).
 * Each default has its reason in ROLE_DEFAULTS, which docs/probe-assumptions.md lists one to one.
 */
import { LAYER_CATALOG } from '../analysis/catalog';
import type { LayerNode, ModelGraph, Value } from '../analysis/ir';

export interface RoleDefault {
  value: number;
  why: string;
}

/** The documented defaults (docs/probe-assumptions.md has one row per key). */
export const ROLE_DEFAULTS = {
  features: {
    value: 32,
    why: 'a mid-sized feature vector; the first layer fan-in barely moves gradient ratios between layers',
  },
  imageSize: {
    value: 28,
    why: 'MNIST-sized; used only when no side in IMAGE_SIDES lets every layer keep at least one pixel',
  },
  channels: { value: 3, why: 'colour (RGB) images, the common case for real image input' },
  timesteps: {
    value: 20,
    why: 'long enough to show decay through time, short enough to probe in well under a second',
  },
  stepFeatures: {
    value: 8,
    why: 'a small per-step feature vector (sensor channels, one-hot digits)',
  },
  sequenceLength: { value: 20, why: 'token sequences the same length as recurrent time steps' },
  vocabulary: { value: 1000, why: 'a small vocabulary; ids are drawn uniformly below it' },
  embeddingDim: { value: 32, why: 'a common embedding width for small vocabularies' },
  categoricalClasses: {
    value: 10,
    why: 'categorical losses need several classes; 10 as in the MNIST-style examples',
  },
  binaryClasses: { value: 1, why: 'binary cross-entropy scores one sigmoid unit' },
  regressionOutputs: { value: 1, why: 'a regression loss on one target value' },
  hiddenUnits: {
    value: 64,
    why: 'a common hidden width; depth and activations, not width, decide vanishing',
  },
  recurrentUnits: {
    value: 32,
    why: 'a common recurrent width; the gradient through time depends on the recurrent kernel, not its size',
  },
  filters: { value: 32, why: 'a common convolution width' },
  kernelSize: { value: 3, why: 'the most common convolution kernel (3x3)' },
  poolSize: { value: 2, why: 'the most common pooling window (2x2)' },
  dropoutRate: {
    value: 0.2,
    why: 'a light rate that keeps the measured gradients close to the network without dropout',
  },
  repeats: { value: 20, why: 'the output sequence as long as the default time steps' },
} satisfies Record<string, RoleDefault>;

export type RoleKey = keyof typeof ROLE_DEFAULTS;

/**
 * What one open value stands for. `value` null: the property is optional and left to tfjs's default.
 * `priority` decides between roles when one expression fills several places (lower wins).
 */
export interface Role {
  role: string;
  value: Value | null;
  priority: number;
  /** Image sides: the value for another side length, so the side can grow until every layer fits. */
  resize?: (side: number) => Value;
  /** Computed after every other value is filled (a recurrent state's shape follows the layer's units). */
  deferred?: () => Value;
}

/**
 * Image sides tried in order: the smallest with which every convolution and pooling still has an output
 * of at least one pixel wins (small images keep the probe fast; the ratio between layers barely depends on it).
 */
export const IMAGE_SIDES = [8, 16, 28, 32, 64, 128, 224];

const num = (value: number): Value => ({ kind: 'number', value });
const byKey = (key: RoleKey, role: string, priority: number): Role => ({
  role,
  value: num(ROLE_DEFAULTS[key].value),
  priority,
});

/** How the model is used around a layer: which layers give the model's output, and the loss. */
export interface ModelContext {
  outputLayers: Set<LayerNode>;
  loss: string | null;
  /** The layer after each layer in a sequential model (what a returnSequences choice must feed). */
  next: Map<LayerNode, LayerNode>;
  /** The model whose values are being filled (a deferred role reads its shapes once the others are in). */
  model: ModelGraph;
}

export function modelContext(model: ModelGraph): ModelContext {
  const outputLayers = new Set<LayerNode>();
  const markOutput = (index: number): void => {
    // Through trailing weightless layers (activation, dropout, reshape) to the layer with a width.
    for (let i = index; i >= 0; i--) {
      const layer = model.layers[i];
      if (!layer) return;
      outputLayers.add(layer);
      if (layer.inner) outputLayers.add(layer.inner);
      if (widthKeyOf(layer) !== undefined) return;
      if (model.kind === 'functional') return;
    }
  };
  if (model.kind === 'sequential') markOutput(model.layers.length - 1);
  else {
    for (const id of model.outputs) {
      const node = model.nodes.find((n) => n.id === id);
      if (node) markOutput(node.layer);
    }
  }
  const next = new Map<LayerNode, LayerNode>();
  if (model.kind === 'sequential') {
    model.layers.forEach((layer, i) => {
      const after = model.layers[i + 1];
      if (after) next.set(layer, after);
    });
  }
  return { outputLayers, loss: model.training.loss?.name ?? null, next, model };
}

function widthKeyOf(layer: LayerNode): string | undefined {
  return LAYER_CATALOG[layer.inner?.factory ?? layer.factory]?.widthKey;
}

/** The number of output units the loss implies (or the output activation, without a loss). */
export function outputRole(context: ModelContext, layer: LayerNode): Role {
  const loss = context.loss ?? '';
  const activation = stringProp(layer, 'activation');
  if (/categorical|kullback|kld/i.test(loss) || (!loss && activation === 'softmax')) {
    return byKey(
      'categoricalClasses',
      `number of classes (output units for ${loss || 'softmax'})`,
      0,
    );
  }
  if (/binary|hinge/i.test(loss) || (!loss && activation === 'sigmoid')) {
    return byKey('binaryClasses', `output units for ${loss || 'a sigmoid output'}`, 0);
  }
  return byKey('regressionOutputs', `output units${loss ? ` for ${loss}` : ''}`, 0);
}

/** The role of an open config property of a layer. */
export function propRole(
  context: ModelContext,
  layer: LayerNode,
  key: string,
  outer: LayerNode = layer,
): Role {
  const factory = layer.factory;
  const where = `${factory} layer ${layer.index}, line ${layer.callSpan.line}`;
  const info = LAYER_CATALOG[factory];
  if (key === (info?.widthKey ?? '') && factory !== 'embedding') {
    // A recurrent layer among the outputs is there for its states (returnState), not as a classifier.
    if (context.outputLayers.has(layer) && info?.kind !== 'recurrent') {
      return outputRole(context, layer);
    }
    if (info?.kind === 'recurrent') return byKey('recurrentUnits', `units of ${where}`, 3);
    if (key === 'filters') return byKey('filters', `filters of ${where}`, 3);
    return byKey('hiddenUnits', `units of hidden ${where}`, 3);
  }
  switch (key) {
    case 'inputDim':
      return factory === 'embedding'
        ? byKey('vocabulary', `vocabulary size (inputDim of ${where})`, 2)
        : byKey('features', `input width (inputDim of ${where})`, 1);
    case 'outputDim':
      return byKey('embeddingDim', `embedding width (outputDim of ${where})`, 3);
    case 'inputLength':
      return byKey('sequenceLength', `sequence length (inputLength of ${where})`, 1);
    case 'kernelSize':
      return byKey('kernelSize', `kernel size of ${where}`, 3);
    case 'poolSize':
      return byKey('poolSize', `pooling window of ${where}`, 3);
    case 'rate':
      return byKey('dropoutRate', `dropout rate of ${where}`, 3);
    case 'n':
      return byKey('repeats', `repeat count of ${where}`, 3);
    case 'returnSequences': {
      const after = context.next.get(outer);
      const needsSequence = after !== undefined && consumesSequence(after);
      return {
        role: `returnSequences of ${where}: ${needsSequence ? 'the next layer reads a sequence' : 'the next layer reads one vector'}`,
        value: { kind: 'boolean', value: needsSequence },
        priority: 3,
      };
    }
    default:
      return { role: `${key} of ${where}, left to tfjs's default`, value: null, priority: 9 };
  }
}

/** The role of an open property of a recurrent cell built inside an RNN's config (`cell: [lstmCell({units})]`). */
export function cellPropRole(key: string, where: string): Role {
  return key === 'units'
    ? byKey('recurrentUnits', `units of ${where}`, 3)
    : { role: `${key} of ${where}, left to tfjs's default`, value: null, priority: 9 };
}

/** The role of dimension `axis` (batch excluded) of an input shape of `rank` that feeds `consumer`. */
export function dimensionRole(
  consumer: LayerNode | undefined,
  rank: number,
  axis: number,
  what: string,
): Role {
  const family = shapeFamily(consumer, rank);
  switch (family) {
    case 'image':
      return axis === rank - 1
        ? byKey('channels', `channels of ${what}`, 1)
        : {
            ...byKey(
              'imageSize',
              `image ${axis === 0 ? 'height' : axis === 1 ? 'width' : 'depth'} of ${what}`,
              1,
            ),
            resize: num,
          };
    case 'sequence':
      return axis === 0
        ? byKey('timesteps', `time steps of ${what}`, 1)
        : byKey('stepFeatures', `features per step of ${what}`, 1);
    case 'tokens':
      return byKey('sequenceLength', `sequence length of ${what}`, 1);
    default:
      return byKey('features', `input width (features) of ${what}`, 1);
  }
}

/** An input fed to a recurrent layer as its initial state: one vector of the layer's units. */
export function stateShapeRole(layer: LayerNode, what: string): Role {
  const units = (): Value => {
    const value = (layer.inner ?? layer).config.props['units']?.value;
    return {
      kind: 'array',
      items: [value?.kind === 'number' ? value : num(ROLE_DEFAULTS.recurrentUnits.value)],
    };
  };
  return {
    role: `initial state of ${layer.factory} layer ${layer.index} (line ${layer.callSpan.line}), fed by ${what}`,
    value: units(),
    priority: 1,
    deferred: units,
  };
}

/** A whole input shape for a layer that has none, by the kind of layer it feeds. */
export function inputShapeRole(consumer: LayerNode | undefined, what: string): Role {
  const family = shapeFamily(consumer, null);
  const dims = (keys: RoleKey[]): Value => ({
    kind: 'array',
    items: keys.map((key) => num(ROLE_DEFAULTS[key].value)),
  });
  switch (family) {
    case 'image': {
      const keys = imageKeys(consumer);
      const sized = (side: number): Value => ({
        kind: 'array',
        items: keys.map((key) => num(key === 'imageSize' ? side : ROLE_DEFAULTS[key].value)),
      });
      return {
        role: `image input shape of ${what}`,
        value: dims(keys),
        priority: 1,
        resize: sized,
      };
    }
    case 'sequence':
      return {
        role: `sequence input shape of ${what}`,
        value: dims(['timesteps', 'stepFeatures']),
        priority: 1,
      };
    case 'tokens':
      return { role: `token ids input of ${what}`, value: dims(['sequenceLength']), priority: 1 };
    default:
      return { role: `feature input of ${what}`, value: dims(['features']), priority: 1 };
  }
}

type Family = 'image' | 'sequence' | 'tokens' | 'features';

function shapeFamily(consumer: LayerNode | undefined, rank: number | null): Family {
  const factory = consumer?.inner?.factory ?? consumer?.factory ?? '';
  if (factory === 'embedding' && (rank === null || rank === 1)) return 'tokens';
  if (rank !== null) {
    if (rank >= 3) return 'image';
    if (rank === 2) return 'sequence';
    return 'features';
  }
  if (/(2d|3d)$/i.test(factory) || factory === 'cropping2D' || factory === 'flatten')
    return 'image';
  if (
    LAYER_CATALOG[factory]?.kind === 'recurrent' ||
    /1d$/i.test(factory) ||
    consumer?.factory === 'bidirectional' ||
    consumer?.factory === 'timeDistributed'
  )
    return 'sequence';
  return 'features';
}

function imageKeys(consumer: LayerNode | undefined): RoleKey[] {
  return /3d$/i.test(consumer?.factory ?? '')
    ? ['imageSize', 'imageSize', 'imageSize', 'channels']
    : ['imageSize', 'imageSize', 'channels'];
}

/** Layers whose input must be a sequence (rank 3 with the batch). */
function consumesSequence(layer: LayerNode): boolean {
  const factory = layer.factory;
  return (
    LAYER_CATALOG[factory]?.kind === 'recurrent' ||
    factory === 'bidirectional' ||
    factory === 'timeDistributed' ||
    /1d$/i.test(factory)
  );
}

function stringProp(layer: LayerNode, key: string): string | null {
  const value = layer.config.props[key]?.value;
  return value?.kind === 'string' ? value.value : null;
}

/** Config keys a factory cannot do without, with the role that fills each when the config is unreadable. */
export function requiredKeys(factory: string): string[] {
  const info = LAYER_CATALOG[factory];
  if (factory === 'embedding') return ['inputDim', 'outputDim'];
  if (factory === 'depthwiseConv2d') return ['kernelSize'];
  if (info?.convolution) return ['filters', 'kernelSize'];
  if (info?.widthKey) return [info.widthKey];
  if (factory === 'dropout' || factory === 'spatialDropout1d') return ['rate'];
  if (factory === 'repeatVector') return ['n'];
  return [];
}
