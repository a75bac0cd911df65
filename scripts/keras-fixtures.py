#!/usr/bin/python3
"""Writes the Keras model files the probe's tests load (test/fixtures/keras-files/), without Keras.

Keras cannot be installed on the machines this project is built on, but h5py and numpy can
(`apt-get install -y python3-h5py python3-numpy`), and a Keras file is only JSON plus HDF5.
The generated files are committed, so the tests never need Python: rerun this script only to
change them (`/usr/bin/python3 scripts/keras-fixtures.py`: Debian's Python, where apt puts h5py).

Where the layout comes from (read in Keras's own saving code):
- Keras 2 `.h5` (tf-keras, tf_keras/saving/legacy/hdf5_format.py and saving_utils.model_metadata):
  root attributes `keras_version`, `backend`, `model_config` (JSON of {class_name, config}) and
  `training_config`; group `model_weights` with attributes `layer_names`, `backend`, `keras_version`;
  one group per layer (sorted by name) with attribute `weight_names` (`dense/kernel:0`, the variable
  names) and each weight as a dataset at that path inside the layer's group. Configs are the legacy
  serialization (`{class_name, config}`, dtype as a string, `batch_input_shape`).
- Keras 3 `.keras` (keras/src/saving/saving_lib.py): a zip of `metadata.json`, `config.json`
  (serialize_keras_object: `module`, `class_name`, `config`, `registered_name`, `build_config`;
  dtype-policy objects, `batch_shape`, inbound nodes as `{args, kwargs}` with `__keras_tensor__`
  entries) and `model.weights.h5`, where each saveable's variables sit at `<path>/vars/0..n`
  (trainable first, then non-trainable: Layer.save_own_variables), layers under `layers/` named by
  their snake-cased class with a counter (`dense`, `dense_1`: _save_container_state), a recurrent
  layer's variables under its `cell`, and each vars group's `name` attribute (the layer's name).
- Keras 2.13-2.15 `.keras` (tf-keras, tf_keras/saving/saving_lib.py): the same zip and the same
  `layers/<snake_case class>[_n]/vars/0..n` paths (_save_container_state), found by walking `dir(model)`
  in reverse alphabetical order, so `optimizer/vars` (the step count and slots) is written before
  `layers/`; H5IOStore.make gives the vars groups no `name` attribute; `metadata.json` says
  `keras_version` 2.x; configs are serialize_keras_object's (`module`, `registered_name`,
  `build_config`) around Keras 2's layer configs (dtype strings, `batch_input_shape`, LSTM's
  `time_major` and `implementation`) and the optimizer's (`jit_compile`, `is_legacy_optimizer`).
Layer configs carry the keys of each layer's get_config (keras/src/layers/.../*.py).
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'keras-files')
rng = np.random.RandomState(7)
# The first values of each saved weight, as numpy wrote them: the tests check the loaded model against these.
EXPECTED = {}


def expect(path, layer, array):
    entry = EXPECTED.setdefault(os.path.basename(path), {}).setdefault(layer, [])
    entry.append({'shape': list(array.shape), 'head': [float(x) for x in array.reshape(-1)[:4]]})


def weights(*shape):
    """Values that differ from any initializer's draw, so a test can tell loaded from initialised."""
    return (rng.standard_normal(shape) * 0.1).astype(np.float32)


# ---------------------------------------------------------------- Keras 3 serialization

def k3(module, class_name, config, build_shape=None):
    obj = {'module': module, 'class_name': class_name, 'config': config, 'registered_name': None}
    if build_shape is not None:
        obj['build_config'] = {'input_shape': build_shape}
    return obj


POLICY = k3('keras', 'DTypePolicy', {'name': 'float32'})


def init3(class_name, **config):
    return k3('keras.initializers', class_name,
              config or ({} if class_name in ('Zeros', 'Ones') else {'seed': None}))


def base3(name):
    return {'name': name, 'trainable': True, 'dtype': POLICY}


def input3(name, batch_shape):
    return k3('keras.layers', 'InputLayer', {
        'batch_shape': batch_shape, 'dtype': 'float32', 'sparse': False, 'ragged': False,
        'name': name, 'optional': False})


def dense3(name, units, activation, in_shape, kernel=None):
    return k3('keras.layers', 'Dense', {
        **base3(name), 'units': units, 'activation': activation, 'use_bias': True,
        'kernel_initializer': kernel or init3('GlorotUniform'), 'bias_initializer': init3('Zeros'),
        'kernel_regularizer': None, 'bias_regularizer': None, 'kernel_constraint': None,
        'bias_constraint': None, 'quantization_config': None}, in_shape)


def conv3(name, filters, in_shape):
    return k3('keras.layers', 'Conv2D', {
        **base3(name), 'filters': filters, 'kernel_size': [3, 3], 'strides': [1, 1],
        'padding': 'valid', 'data_format': 'channels_last', 'dilation_rate': [1, 1], 'groups': 1,
        'activation': 'relu', 'use_bias': True,
        'kernel_initializer': init3('HeNormal'), 'bias_initializer': init3('Zeros'),
        'kernel_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
        'kernel_constraint': None, 'bias_constraint': None}, in_shape)


def pool3(name, in_shape):
    return k3('keras.layers', 'MaxPooling2D', {
        **base3(name), 'pool_size': [2, 2], 'padding': 'valid', 'strides': [2, 2],
        'data_format': 'channels_last'}, in_shape)


def flatten3(name, in_shape):
    return k3('keras.layers', 'Flatten', {**base3(name), 'data_format': 'channels_last'}, in_shape)


def rnn_common(units):
    return {'return_sequences': False, 'return_state': False, 'go_backwards': False,
            'stateful': False, 'unroll': False, 'zero_output_for_mask': False, 'units': units,
            'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True}


def lstm3(name, units, in_shape):
    return k3('keras.layers', 'LSTM', {
        **base3(name), **rnn_common(units),
        'kernel_initializer': init3('GlorotUniform'),
        'recurrent_initializer': init3('Orthogonal', gain=1.0, seed=None),
        'bias_initializer': init3('Zeros'), 'unit_forget_bias': True,
        'kernel_regularizer': None, 'recurrent_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None, 'recurrent_constraint': None,
        'bias_constraint': None, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'seed': None}, in_shape)


def gru3(name, units, in_shape):
    return k3('keras.layers', 'GRU', {
        **base3(name), **rnn_common(units),
        'kernel_initializer': init3('GlorotUniform'),
        'recurrent_initializer': init3('Orthogonal', gain=1.0, seed=None),
        'bias_initializer': init3('Zeros'), 'kernel_regularizer': None,
        'recurrent_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
        'kernel_constraint': None, 'recurrent_constraint': None, 'bias_constraint': None,
        'dropout': 0.0, 'recurrent_dropout': 0.0, 'reset_after': True, 'seed': None}, in_shape)


def sequential3(name, input_shape, layers):
    return k3('keras', 'Sequential', {
        'name': name, 'trainable': True, 'dtype': POLICY,
        'layers': [input3('input_layer', [None, *input_shape]), *layers],
        'build_input_shape': [None, *input_shape]}, [None, *input_shape])


def tensor3(shape, history):
    return {'class_name': '__keras_tensor__',
            'config': {'shape': shape, 'dtype': 'float32', 'keras_history': history}}


def compile3(optimizer, config, loss):
    return {'optimizer': k3('keras.optimizers', optimizer, config), 'loss': loss,
            'loss_weights': None, 'metrics': None, 'weighted_metrics': None,
            'run_eagerly': False, 'steps_per_execution': 1, 'jit_compile': False}


ADAM = {'name': 'adam', 'learning_rate': 0.001, 'weight_decay': None, 'clipnorm': None,
        'global_clipnorm': None, 'clipvalue': None, 'use_ema': False, 'ema_momentum': 0.99,
        'ema_overwrite_frequency': None, 'loss_scale_factor': None,
        'gradient_accumulation_steps': None, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': 1e-07,
        'amsgrad': False}


def write_keras(path, model, variables, compile_config=None):
    """variables: (weights.h5 path, [arrays], layer name) per saveable, in save order."""
    if compile_config is not None:
        model['compile_config'] = compile_config
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as h5:
        h5.create_group('vars').attrs['name'] = model['config']['name']
        for group_path, arrays, name in variables:
            group = h5.create_group(f'{group_path}/vars')
            group.attrs['name'] = name
            for i, array in enumerate(arrays):
                group.create_dataset(str(i), data=array)
                expect(path, group_path.split('/')[1], array)
    entries = [('metadata.json', json.dumps({'keras_version': '3.11.3', 'date_saved': '2026-12-02@01:00:00'})),
               ('config.json', json.dumps(model)), ('model.weights.h5', buffer.getvalue())]
    with zipfile.ZipFile(path, 'w') as zf:
        for name, data in entries:
            # A fixed timestamp keeps regenerated files byte-identical.
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 2, 1, 0, 0)), data)


# ---------------------------------------------------------------- Keras 2 serialization

def init2(class_name, **config):
    return {'class_name': class_name, 'config': config or ({} if class_name == 'Zeros' else {'seed': None})}


def base2(name):
    return {'name': name, 'trainable': True, 'dtype': 'float32'}


def input2(name, batch_shape):
    return {'class_name': 'InputLayer', 'config': {
        'batch_input_shape': batch_shape, 'dtype': 'float32', 'sparse': False, 'ragged': False,
        'name': name}}


def dense2(name, units, activation):
    return {'class_name': 'Dense', 'config': {
        **base2(name), 'units': units, 'activation': activation, 'use_bias': True,
        'kernel_initializer': init2('GlorotUniform'), 'bias_initializer': init2('Zeros'),
        'kernel_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
        'kernel_constraint': None, 'bias_constraint': None}}


def conv2(name, filters):
    return {'class_name': 'Conv2D', 'config': {
        **base2(name), 'filters': filters, 'kernel_size': [3, 3], 'strides': [1, 1],
        'padding': 'valid', 'data_format': 'channels_last', 'dilation_rate': [1, 1], 'groups': 1,
        'activation': 'relu', 'use_bias': True, 'kernel_initializer': init2('HeNormal'),
        'bias_initializer': init2('Zeros'), 'kernel_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None, 'bias_constraint': None}}


def lstm2(name, units):
    return {'class_name': 'LSTM', 'config': {
        **base2(name), **rnn_common(units), 'time_major': False,
        'kernel_initializer': init2('GlorotUniform'),
        'recurrent_initializer': init2('Orthogonal', gain=1.0, seed=None),
        'bias_initializer': init2('Zeros'), 'unit_forget_bias': True,
        'kernel_regularizer': None, 'recurrent_regularizer': None, 'bias_regularizer': None,
        'activity_regularizer': None, 'kernel_constraint': None, 'recurrent_constraint': None,
        'bias_constraint': None, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'implementation': 2}}


def sequential2(name, input_name, input_shape, layers):
    return {'class_name': 'Sequential', 'config': {
        'name': name, 'layers': [input2(input_name, [None, *input_shape]), *layers]}}


def write_h5(path, model, layer_weights, training=None, with_config=True, keras_version='2.15.0'):
    """layer_weights: (layer name, [(weight name, array)]) for every layer, in model.layers order."""
    with h5py.File(path, 'w') as h5:
        if with_config:
            h5.attrs['keras_version'] = keras_version
            h5.attrs['backend'] = 'tensorflow'
            h5.attrs['model_config'] = json.dumps(model).encode('utf8')
            if training is not None:
                h5.attrs['training_config'] = json.dumps(training).encode('utf8')
            group = h5.create_group('model_weights')
        else:
            group = h5  # model.save_weights('w.h5') in Keras 2 writes the weights at the root.
        group.attrs['layer_names'] = [name.encode('utf8') for name, _ in layer_weights]
        group.attrs['backend'] = b'tensorflow'
        group.attrs['keras_version'] = keras_version.encode('utf8')
        for name, named in sorted(layer_weights, key=lambda item: item[0]):
            layer = group.create_group(name)
            layer.attrs['weight_names'] = [w.encode('utf8') for w, _ in named]
            for weight_name, array in named:
                layer.create_dataset(weight_name, data=array)
        for name, named in layer_weights:
            for _, array in named:
                expect(path, name, array)


def training2(loss, optimizer, config):
    return {'loss': loss, 'metrics': None, 'weighted_metrics': None, 'loss_weights': None,
            'optimizer_config': {'class_name': optimizer, 'config': config}}


# ---------------------------------------------------------------- the fixtures

def mlp():
    w = [weights(8, 16), weights(16), weights(16, 16), weights(16), weights(16, 3), weights(3)]
    layers3 = [dense3('dense', 16, 'relu', [None, 8]), dense3('dense_1', 16, 'relu', [None, 16]),
               dense3('dense_2', 3, 'softmax', [None, 16])]
    write_keras(f'{OUT}/mlp.keras', sequential3('mlp', [8], layers3),
                [('layers/dense', w[0:2], 'dense'), ('layers/dense_1', w[2:4], 'dense_1'),
                 ('layers/dense_2', w[4:6], 'dense_2')],
                compile3('Adam', ADAM, 'categorical_crossentropy'))
    model2 = sequential2('mlp', 'dense_input', [8], [dense2('dense', 16, 'relu'),
                         dense2('dense_1', 16, 'relu'), dense2('dense_2', 3, 'softmax')])
    named = [(n, [(f'{n}/kernel:0', w[2 * i]), (f'{n}/bias:0', w[2 * i + 1])])
             for i, n in enumerate(['dense', 'dense_1', 'dense_2'])]
    adam2 = {'name': 'Adam', 'learning_rate': 0.001, 'decay': 0.0, 'beta_1': 0.9,
             'beta_2': 0.999, 'epsilon': 1e-07, 'amsgrad': False, 'clipnorm': 1.0}
    write_h5(f'{OUT}/mlp.h5', model2, named, training2('categorical_crossentropy', 'Adam', adam2))
    write_h5(f'{OUT}/mlp-weights-only.h5', model2, named, with_config=False)
    # Keras 3's model.save('m.h5'): the Keras 2 file layout (legacy_h5_format.py) around Keras 3 layer
    # configs (batch_shape, dtype policies, serialized initializers), weight names from variable paths.
    legacy = lambda layer: {'class_name': layer['class_name'], 'config': layer['config']}
    model3 = sequential3('mlp', [8], layers3)
    model3_h5 = {'class_name': 'Sequential', 'config': {**model3['config'],
                 'layers': [legacy(layer) for layer in model3['config']['layers']]}}
    named3 = [(n, [(f'mlp/{n}/kernel', w[2 * i]), (f'mlp/{n}/bias', w[2 * i + 1])])
              for i, n in enumerate(['dense', 'dense_1', 'dense_2'])]
    write_h5(f'{OUT}/mlp-keras3.h5', model3_h5, named3, keras_version='3.11.3')


def conv():
    w = [weights(3, 3, 1, 4), weights(4), weights(36, 10), weights(10)]
    layers3 = [conv3('conv2d', 4, [None, 8, 8, 1]), pool3('max_pooling2d', [None, 6, 6, 4]),
               flatten3('flatten', [None, 3, 3, 4]), dense3('dense', 10, 'softmax', [None, 36])]
    write_keras(f'{OUT}/conv.keras', sequential3('conv', [8, 8, 1], layers3),
                [('layers/conv2d', w[0:2], 'conv2d'), ('layers/max_pooling2d', [], 'max_pooling2d'),
                 ('layers/flatten', [], 'flatten'), ('layers/dense', w[2:4], 'dense')])
    model2 = sequential2('conv', 'conv2d_input', [8, 8, 1], [
        conv2('conv2d', 4),
        {'class_name': 'MaxPooling2D', 'config': {**base2('max_pooling2d'), 'pool_size': [2, 2],
         'padding': 'valid', 'strides': [2, 2], 'data_format': 'channels_last'}},
        {'class_name': 'Flatten', 'config': {**base2('flatten'), 'data_format': 'channels_last'}},
        dense2('dense', 10, 'softmax')])
    write_h5(f'{OUT}/conv.h5', model2, [
        ('conv2d', [('conv2d/kernel:0', w[0]), ('conv2d/bias:0', w[1])]),
        ('max_pooling2d', []), ('flatten', []),
        ('dense', [('dense/kernel:0', w[2]), ('dense/bias:0', w[3])])])


def lstm():
    w = [weights(4, 32), weights(8, 32), weights(32), weights(8, 1), weights(1)]
    layers3 = [lstm3('lstm', 8, [None, 10, 4]), dense3('dense', 1, 'linear', [None, 8])]
    write_keras(f'{OUT}/lstm.keras', sequential3('lstm', [10, 4], layers3),
                [('layers/lstm', [], 'lstm'), ('layers/lstm/cell', w[0:3], 'lstm_cell'),
                 ('layers/dense', w[3:5], 'dense')],
                compile3('Adam', {**ADAM, 'clipnorm': 1.0}, 'mean_squared_error'))
    model2 = sequential2('lstm', 'lstm_input', [10, 4], [lstm2('lstm', 8), dense2('dense', 1, 'linear')])
    write_h5(f'{OUT}/lstm.h5', model2, [
        ('lstm', [('lstm/lstm_cell/kernel:0', w[0]), ('lstm/lstm_cell/recurrent_kernel:0', w[1]),
                  ('lstm/lstm_cell/bias:0', w[2])]),
        ('dense', [('dense/kernel:0', w[3]), ('dense/bias:0', w[4])])])


def bidirectional():
    """Keras 3 wrappers and normalization: a Bidirectional LSTM's two cells, BatchNormalization's moving stats."""
    forward = [weights(4, 16), weights(4, 16), weights(16)]
    backward = [weights(4, 16), weights(4, 16), weights(16)]
    bn = [1 + weights(8), weights(8), weights(8), 1 + np.abs(weights(8))]
    head = [weights(8, 1), weights(1)]
    lstm = lstm3('forward_lstm', 4, [None, 10, 4])
    lstm['config']['return_sequences'] = True
    back = json.loads(json.dumps(lstm))
    back['config'].update(name='backward_lstm', go_backwards=True)
    layers3 = [
        k3('keras.layers', 'Bidirectional', {**base3('bidirectional'), 'merge_mode': 'concat',
           'layer': lstm, 'backward_layer': back}, [None, 10, 4]),
        k3('keras.layers', 'BatchNormalization', {
            **base3('batch_normalization'), 'axis': -1, 'momentum': 0.99, 'epsilon': 0.001,
            'center': True, 'scale': True, 'beta_initializer': init3('Zeros'),
            'gamma_initializer': init3('Ones'), 'moving_mean_initializer': init3('Zeros'),
            'moving_variance_initializer': init3('Ones'), 'beta_regularizer': None,
            'gamma_regularizer': None, 'beta_constraint': None, 'gamma_constraint': None,
            'synchronized': False}, [None, 10, 8]),
        k3('keras.layers', 'GlobalAveragePooling1D', {
            **base3('global_average_pooling1d'), 'data_format': 'channels_last', 'keepdims': False},
           [None, 10, 8]),
        dense3('dense', 1, 'linear', [None, 8])]
    write_keras(f'{OUT}/bidirectional.keras', sequential3('bidirectional', [10, 4], layers3),
                [('layers/bidirectional', [], 'bidirectional'),
                 ('layers/bidirectional/backward_layer', [], 'backward_lstm'),
                 ('layers/bidirectional/backward_layer/cell', backward, 'lstm_cell'),
                 ('layers/bidirectional/forward_layer', [], 'forward_lstm'),
                 ('layers/bidirectional/forward_layer/cell', forward, 'lstm_cell'),
                 ('layers/batch_normalization', bn, 'batch_normalization'),
                 ('layers/global_average_pooling1d', [], 'global_average_pooling1d'),
                 ('layers/dense', head, 'dense')])
    # The layer's weights in Keras's (and tfjs's) order: forward cell, then backward; the file walks
    # the attributes alphabetically, backward first.
    EXPECTED['bidirectional.keras']['bidirectional'] = []
    for array in forward + backward:
        expect(f'{OUT}/bidirectional.keras', 'bidirectional', array)


def residual():
    """A functional Keras 3 model: the new inbound-node form, a skip connection through Add."""
    w = [weights(8, 8), weights(8), weights(8, 2), weights(2)]
    x = tensor3([None, 8], ['input_layer', 0, 0])
    h = tensor3([None, 8], ['dense', 0, 0])
    s = tensor3([None, 8], ['add', 0, 0])

    def node(layer, args):
        return {**layer, 'name': layer['config']['name'], 'inbound_nodes': [{'args': args, 'kwargs': {}}]}

    model = k3('keras', 'Functional', {
        'name': 'residual', 'trainable': True,
        'layers': [{**input3('input_layer', [None, 8]), 'name': 'input_layer', 'inbound_nodes': []},
                   node(dense3('dense', 8, 'tanh', [None, 8]), [x]),
                   node(k3('keras.layers', 'Add', base3('add'), [[None, 8], [None, 8]]), [[h, x]]),
                   node(dense3('dense_1', 2, 'linear', [None, 8]), [s])],
        'input_layers': ['input_layer', 0, 0], 'output_layers': ['dense_1', 0, 0]})
    write_keras(f'{OUT}/residual.keras', model,
                [('layers/input_layer', [], 'input_layer'), ('layers/dense', w[0:2], 'dense'),
                 ('layers/add', [], 'add'), ('layers/dense_1', w[2:4], 'dense_1')])


def errors():
    """Files the probe must refuse with one clear sentence each."""
    gru = sequential3('gru', [10, 4], [gru3('gru', 8, [None, 10, 4]), dense3('dense', 1, 'linear', [None, 8])])
    write_keras(f'{OUT}/gru-reset-after.keras', gru,
                [('layers/gru/cell', [weights(4, 24), weights(8, 24), weights(2, 24)], 'gru_cell'),
                 ('layers/dense', [weights(8, 1), weights(1)], 'dense')])
    # A subclassed model without get_config: Model.get_config gives only name and trainable.
    subclassed = {'module': None, 'class_name': 'TinyNet', 'config': {'name': 'tiny_net', 'trainable': True},
                  'registered_name': 'TinyNet', 'build_config': {'input_shape': [None, 8]}}
    write_keras(f'{OUT}/subclassed.keras', subclassed, [('layers/dense', [weights(8, 2), weights(2)], 'dense')])
    unknown = sequential3('unknown', [8], [
        k3('keras.layers', 'GroupNormalization', {**base3('group_normalization'), 'groups': 2, 'axis': -1,
           'epsilon': 0.001, 'center': True, 'scale': True}, [None, 8]),
        dense3('dense', 1, 'linear', [None, 8])])
    write_keras(f'{OUT}/unknown-layer.keras', unknown,
                [('layers/group_normalization', [np.ones(8, np.float32), np.zeros(8, np.float32)], 'group_normalization'),
                 ('layers/dense', [weights(8, 1), weights(1)], 'dense')])
    with h5py.File(f'{OUT}/not-keras.h5', 'w') as h5:
        h5.create_dataset('measurements', data=np.arange(6, dtype=np.float32))


def keras2_zip():
    """tf.keras 2.15's model.save('m.keras'): an LSTM and a Dense, compiled with SGD(momentum, nesterov)."""
    path = f'{OUT}/lstm-keras2.keras'
    w = [weights(4, 32), weights(8, 32), weights(32), weights(8, 1), weights(1)]

    def wrap(module, layer, build_shape=None):
        obj = {'module': module, 'class_name': layer['class_name'], 'config': layer['config'],
               'registered_name': None}
        if build_shape is not None:
            obj['build_config'] = {'input_shape': build_shape}
        return obj

    def serialized_inits(config):
        for key, value in config.items():
            if key.endswith('_initializer') and isinstance(value, dict):
                config[key] = wrap('keras.initializers', value)
        return config

    lstm = lstm2('lstm', 8)
    lstm['config']['batch_input_shape'] = [None, 10, 4]
    serialized_inits(lstm['config'])
    head = dense2('dense', 1, 'linear')
    serialized_inits(head['config'])
    model = {'module': 'keras', 'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [
        wrap('keras.layers', input2('lstm_input', [None, 10, 4])),
        wrap('keras.layers', lstm, [None, 10, 4]),
        wrap('keras.layers', head, [None, 8])]},
        'registered_name': None, 'build_config': {'input_shape': [None, 10, 4]},
        'compile_config': {
            'optimizer': {'module': 'keras.optimizers', 'class_name': 'SGD', 'config': {
                'name': 'SGD', 'weight_decay': None, 'clipnorm': None, 'global_clipnorm': None,
                'clipvalue': None, 'use_ema': False, 'ema_momentum': 0.99,
                'ema_overwrite_frequency': None, 'jit_compile': True, 'is_legacy_optimizer': False,
                'learning_rate': 0.05000000074505806, 'momentum': 0.9, 'nesterov': True},
                'registered_name': None},
            'loss': 'mean_squared_error', 'metrics': None, 'loss_weights': None,
            'weighted_metrics': None, 'run_eagerly': None, 'steps_per_execution': None,
            'jit_compile': None}}
    buffer = io.BytesIO()
    with h5py.File(buffer, 'w') as h5:
        h5.create_group('vars')
        opt = h5.create_group('optimizer/vars')
        opt.create_dataset('0', data=np.int64(20))
        for i, array in enumerate(w):
            opt.create_dataset(str(i + 1), data=np.zeros_like(array))
        h5.create_group('layers/lstm/vars')
        cell = h5.create_group('layers/lstm/cell/vars')
        for i, array in enumerate(w[0:3]):
            cell.create_dataset(str(i), data=array)
            expect(path, 'lstm', array)
        dense = h5.create_group('layers/dense/vars')
        for i, array in enumerate(w[3:5]):
            dense.create_dataset(str(i), data=array)
            expect(path, 'dense', array)
    entries = [('metadata.json', json.dumps({'keras_version': '2.15.0', 'date_saved': '2026-12-02@01:00:00'})),
               ('config.json', json.dumps(model)), ('model.weights.h5', buffer.getvalue())]
    with zipfile.ZipFile(path, 'w') as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 2, 1, 0, 0)), data)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    mlp()
    conv()
    lstm()
    residual()
    bidirectional()
    errors()
    keras2_zip()
    with open(f'{OUT}/expected-weights.json', 'w') as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write('\n')
    for name in sorted(os.listdir(OUT)):
        print(f'{name}: {os.path.getsize(os.path.join(OUT, name))} bytes')
