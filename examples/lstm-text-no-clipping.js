// A character-level text generator in the style of the tfjs lstm-text-generation example.
// Gradient problem: recurrent networks trained with `fit` and no gradient clipping can hit
// exploding gradients on long sequences; tfjs optimizers have no clipnorm option.
const tf = require('@tensorflow/tfjs');

const SAMPLE_LEN = 30;
const CHAR_SET_SIZE = 40;

function createModel(lstmLayerSizes, sampleLen, charSetSize) {
  if (!Array.isArray(lstmLayerSizes)) {
    lstmLayerSizes = [lstmLayerSizes];
  }
  const model = tf.sequential();
  for (let i = 0; i < lstmLayerSizes.length; ++i) {
    const lstmLayerSize = lstmLayerSizes[i];
    model.add(
      tf.layers.lstm({
        units: lstmLayerSize,
        returnSequences: i < lstmLayerSizes.length - 1,
        inputShape: i === 0 ? [sampleLen, charSetSize] : undefined,
      }),
    );
  }
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  return model;
}

function compileModel(model, learningRate) {
  const optimizer = tf.train.rmsprop(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
}

async function fitModel(model, xs, ys, numEpochs, batchSize) {
  await model.fit(xs, ys, { epochs: numEpochs, batchSize, validationSplit: 0.0625 });
}

module.exports = async function main(xs, ys) {
  const model = createModel([64, 64], SAMPLE_LEN, CHAR_SET_SIZE);
  compileModel(model, 1e-2);
  await fitModel(model, xs, ys, 5, 128);
  return model;
};
