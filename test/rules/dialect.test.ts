/**
 * The shared vocabulary: framework terms in rule templates, and the Python fix helpers on their own
 * (argument lists, layer insertion, Keras classes as the file reaches them).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OptimizerInfo, Span } from '../../src/analysis/ir';
import { dialectOf, snakeCase } from '../../src/rules/util/dialect';
import { format } from '../../src/rules/util/message';
import { appendArgument, pythonReadsParameter } from '../../src/rules/util/python-edits';
import {
  clipOptimizerEdit,
  kerasClass,
  kerasClassOrImport,
} from '../../src/rules/util/python-keras';
import { applyEdits } from './rule-tester';

const tfjs = dialectOf({});
const keras = dialectOf({ framework: 'keras' });

function span(source: string, text: string, from = 0): Span {
  const start = source.indexOf(text, from);
  assert.ok(start >= 0, `${text} in source`);
  return { start, end: start + text.length, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

describe('dialect', () => {
  test('names in Keras spelling', () => {
    assert.deepEqual(
      ['kernelInitializer', 'unitForgetBias', 'recurrentActivation', 'useBias'].map(keras.key),
      ['kernel_initializer', 'unit_forget_bias', 'recurrent_activation', 'use_bias'],
    );
    assert.deepEqual(
      ['heNormal', 'glorotUniform', 'leCunNormal', 'orthogonal'].map(keras.initializer),
      ['he_normal', 'glorot_uniform', 'lecun_normal', 'orthogonal'],
    );
    assert.deepEqual(['hardSigmoid', 'leakyReLU', 'relu'].map(keras.activation), [
      'hard_sigmoid',
      'leaky_relu',
      'relu',
    ]);
    assert.deepEqual(
      ['batchNormalization', 'lstm', 'simpleRNN', 'conv2dTranspose', 'maxPooling2d', 'dense'].map(
        keras.layer,
      ),
      ['BatchNormalization', 'LSTM', 'SimpleRNN', 'Conv2DTranspose', 'MaxPooling2D', 'Dense'],
    );
    assert.equal(keras.loss('sparseCategoricalCrossentropy'), 'sparse_categorical_crossentropy');
    assert.equal(keras.optimizer('rmsprop'), 'RMSprop');
    assert.equal(snakeCase('meanSquaredError'), 'mean_squared_error');
  });

  test('tfjs keeps its own names', () => {
    for (const name of ['kernelInitializer', 'heNormal', 'hardSigmoid', 'batchNormalization'])
      assert.equal(tfjs.key(name), name);
  });

  test('template terms are filled per framework; data placeholders stay as they were', () => {
    const template =
      '{{layer:lstm}} without {{key:unitForgetBias}}; set {{set:unitForgetBias=true}} ({{fw:default}} {{default:kernelInitializer}}, {{value:false}}, {{init:heNormal}}) in {{model}}';
    assert.equal(
      format(template, { model: 'm' }, tfjs),
      "lstm without unitForgetBias; set unitForgetBias: true (tfjs's default glorotNormal, false, heNormal) in m",
    );
    assert.equal(
      format(template, { model: 'm' }, keras),
      "LSTM without unit_forget_bias; set unit_forget_bias=True (Keras's default glorot_uniform, False, he_normal) in m",
    );
    assert.equal(
      format('{{missing}} and {{nope:thing}}', {}, keras),
      '{{missing}} and {{nope:thing}}',
    );
    assert.equal(
      format("{{set:kernelInitializer='heNormal'}}", {}, keras),
      "kernel_initializer='he_normal'",
    );
  });
});

describe('Python fix helpers', () => {
  const add = (source: string, text: string) => {
    const open = source.indexOf('(');
    const parens = { ...span(source, source.slice(open)), end: source.lastIndexOf(')') + 1 };
    return applyEdits(source, [appendArgument(source, parens, text)]);
  };

  test('appendArgument keeps the layout: empty, one line, trailing comma, multi-line, comments', () => {
    assert.equal(add('Flatten()', 'x=1'), 'Flatten(x=1)');
    assert.equal(add('Dense(64)', 'x=1'), 'Dense(64, x=1)');
    assert.equal(add('Dense(64,)', 'x=1'), 'Dense(64, x=1,)');
    assert.equal(
      add('Dense(\n    64,\n    activation="relu",\n)', 'x=1'),
      'Dense(\n    64,\n    activation="relu",\n    x=1,\n)',
    );
    assert.equal(
      add('Dense(\n    64,\n    activation="relu"  # hidden\n)', 'x=1'),
      'Dense(\n    64,\n    activation="relu",\n    x=1  # hidden\n)',
    );
    assert.equal(add("Dense(64, name='a#b')", 'x=1'), "Dense(64, name='a#b', x=1)");
  });

  test('Keras classes as the file reaches them', () => {
    assert.equal(kerasClass('from keras.optimizers import Adam\n', 'optimizers', 'Adam'), 'Adam');
    assert.equal(
      kerasClass(
        'import tensorflow as tf\nfrom tensorflow.keras import layers\n',
        'layers',
        'LSTM',
      ),
      'layers.LSTM',
    );
    assert.equal(
      kerasClass('from tensorflow import keras\n', 'optimizers', 'SGD'),
      'keras.optimizers.SGD',
    );
    assert.equal(
      kerasClass('import tensorflow as tf\n', 'optimizers', 'Adam'),
      'tf.keras.optimizers.Adam',
    );
    assert.equal(kerasClass('import keras as K\n', 'layers', 'GRU'), 'K.layers.GRU');
    assert.equal(kerasClass('from keras.layers import *\n', 'layers', 'GRU'), 'GRU');
    assert.equal(kerasClass('import numpy as np\n', 'layers', 'GRU'), null);
    const source = 'from keras.layers import Dense, LSTM  # layers\n';
    const reach = kerasClassOrImport(source, 'layers', 'BatchNormalization');
    assert.equal(reach?.name, 'BatchNormalization');
    assert.equal(
      applyEdits(source, [reach!.edit!]),
      'from keras.layers import Dense, LSTM, BatchNormalization  # layers\n',
    );
  });

  test('clipnorm on the optimizer: a call gets the argument, a string becomes the object', () => {
    const optimizer = (
      source: string,
      text: string,
      form: OptimizerInfo['form'],
    ): OptimizerInfo => ({
      kind: 'adam',
      span: span(source, text),
      text,
      form,
    });
    const call = 'opt = keras.optimizers.Adam(learning_rate=1e-3)\n';
    const edit = clipOptimizerEdit(
      call,
      optimizer(call, 'keras.optimizers.Adam(learning_rate=1e-3)', 'call'),
      1,
    );
    assert.equal(
      applyEdits(call, edit!),
      'opt = keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)\n',
    );
    const named = "from tensorflow import keras\nmodel.compile(optimizer='adam', loss='mse')\n";
    const string = clipOptimizerEdit(named, optimizer(named, "'adam'", 'string'), 0.5);
    assert.equal(
      applyEdits(named, string!),
      "from tensorflow import keras\nmodel.compile(optimizer=keras.optimizers.Adam(clipnorm=0.5), loss='mse')\n",
    );
    // Only other Keras modules imported by name: the optimizer class is imported above them.
    const byName =
      "import numpy as np\nfrom tensorflow.keras.models import Sequential\nmodel.compile(loss='mse', optimizer='adam')\n";
    const imported = clipOptimizerEdit(byName, optimizer(byName, "'adam'", 'string'), 1);
    assert.equal(
      applyEdits(byName, imported!),
      "import numpy as np\nfrom tensorflow.keras.optimizers import Adam\nfrom tensorflow.keras.models import Sequential\nmodel.compile(loss='mse', optimizer=Adam(clipnorm=1.0))\n",
    );
    // The package of the model's imports, not of a utility imported earlier.
    const mixed =
      "from keras.preprocessing.text import Tokenizer\nx = 1\nfrom tensorflow.keras.layers import Dense\nmodel.compile(optimizer='adam')\n";
    const fromLayers = clipOptimizerEdit(mixed, optimizer(mixed, "'adam'", 'string'), 1);
    assert.match(
      applyEdits(mixed, fromLayers!),
      /^x = 1\nfrom tensorflow\.keras\.optimizers import Adam\nfrom tensorflow\.keras\.layers import Dense\nmodel\.compile\(optimizer=Adam\(clipnorm=1\.0\)\)$/m,
    );
    const clipped = 'opt = Adam(clipvalue=None)\n';
    assert.equal(
      clipOptimizerEdit(clipped, optimizer(clipped, 'Adam(clipvalue=None)', 'call'), 1),
      null,
    );
    const noKeras = "model.compile(optimizer='adam')\n";
    assert.equal(clipOptimizerEdit(noKeras, optimizer(noKeras, "'adam'", 'string'), 1), null);
  });

  test('parameter reads: names the file never binds', () => {
    const source = 'LR = 0.1\nfrom keras import layers\ndef build(units, act):\n    size = units\n';
    assert.equal(pythonReadsParameter(source, 'LR * 2'), false);
    assert.equal(pythonReadsParameter(source, 'size'), false);
    assert.equal(pythonReadsParameter(source, 'True'), false);
    assert.equal(pythonReadsParameter(source, 'layers.Dense(units)'), true);
    assert.equal(pythonReadsParameter(source, 'act'), true);
    assert.equal(pythonReadsParameter(source, 'RandomNormal(stddev=0.5)'), true);
  });
});
