// A healthy small residual CNN (functional API): He-initialized ReLU convolutions, batch normalization,
// and identity skip connections through tf.layers.add, so gradients reach the first layers intact.
import * as tf from '@tensorflow/tfjs';

const IMAGE_SIZE = 16;
const CHANNELS = 3;
const NUM_CLASSES = 10;

function convBnRelu(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters,
    kernelSize: 3,
    padding: 'same',
    kernelInitializer: 'heNormal',
    useBias: false,
  });
  const bn = tf.layers.batchNormalization();
  return tf.layers.reLU().apply(bn.apply(conv.apply(x))) as tf.SymbolicTensor;
}

function residualBlock(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  const y = convBnRelu(x, filters);
  const z = tf.layers
    .conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: 'heNormal' })
    .apply(y) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([x, z]) as tf.SymbolicTensor;
  return tf.layers.reLU().apply(sum) as tf.SymbolicTensor;
}

export function buildResNet(numBlocks = 3): tf.LayersModel {
  const input = tf.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, CHANNELS] });
  let x = convBnRelu(input, 16);
  for (let i = 0; i < numBlocks; i++) {
    x = residualBlock(x, 16);
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: NUM_CLASSES, activation: 'softmax' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

export async function train(images: tf.Tensor4D, labels: tf.Tensor2D): Promise<void> {
  const model = buildResNet();
  await model.fit(images, labels, { epochs: 5, batchSize: 32 });
}
