/**
 * Generates realistic Keras model files of a given size for the Python front end's benchmark:
 * builder functions, functional residual models, subclassed models, custom training loops, and the
 * data-handling code around them.
 */
const HEADER = `import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

BATCH_SIZE = 32
EPOCHS = 20
`;

const BLOCKS: Array<(n: number) => string> = [
  (n) => `

def build_classifier_${n}(input_dim, num_classes=10):
    """Dense classifier number ${n}."""
    hidden_sizes = [256, 128, 64, 32]
    model = keras.Sequential()
    for i, units in enumerate(hidden_sizes):
        kwargs = {'input_shape': (input_dim,)} if i == 0 else {}
        model.add(layers.Dense(units, activation='relu', kernel_initializer='he_normal', **kwargs))
        if i % 2 == 1:
            model.add(layers.BatchNormalization())
    model.add(layers.Dropout(0.25))
    model.add(layers.Dense(num_classes, activation='softmax'))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss='categorical_crossentropy', metrics=['accuracy'])
    return model
`,
  (n) => `

def residual_block_${n}(x, filters):
    y = layers.Conv2D(filters, 3, padding='same', activation='relu')(x)
    y = layers.Conv2D(filters, 3, padding='same')(y)
    y = layers.BatchNormalization()(y)
    return layers.add([x, y])


def build_resnet_${n}(blocks=3):
    inputs = keras.Input(shape=(32, 32, 16))
    x = inputs
    for _ in range(blocks):
        x = residual_block_${n}(x, 16)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation='softmax')(x)
    return keras.Model(inputs=inputs, outputs=outputs, name='resnet_${n}')
`,
  (n) => `

class Encoder${n}(keras.Model):
    def __init__(self, depth=2, units=64):
        super().__init__()
        self.cells = [layers.LSTM(units, return_sequences=True) for _ in range(depth)]
        self.norm = layers.LayerNormalization()
        self.head = layers.Dense(1)

    def call(self, x, training=False):
        for cell in self.cells:
            x = cell(x)
        x = self.norm(x)
        return self.head(x[:, -1])


encoder_${n} = Encoder${n}(depth=2)
optimizer_${n} = keras.optimizers.Adam(1e-4, clipnorm=1.0)


def train_step_${n}(xb, yb):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(encoder_${n}(xb, training=True) - yb))
    grads = tape.gradient(loss, encoder_${n}.trainable_variables)
    grads, _ = tf.clip_by_global_norm(grads, 1.0)
    optimizer_${n}.apply_gradients(zip(grads, encoder_${n}.trainable_variables))
    return loss
`,
  (n) => `

def load_data_${n}(path, limit=None):
    """Reads rows of numbers; the model code never depends on it."""
    rows = []
    with open(path) as handle:
        for line in handle:
            values = [float(v) for v in line.strip().split(',') if v]
            if limit is not None and len(rows) >= limit:
                break
            rows.append(values)
    data = np.array(rows, dtype=np.float32)
    mean = data.mean(axis=0)
    std = data.std(axis=0) + 1e-8
    return (data - mean) / std


def summarize_${n}(history):
    best = min(history.history['loss'])
    print(f"run ${n}: best loss {best:.4f} after {len(history.history['loss'])} epochs")
    return best
`,
];

const FOOTER = `

if __name__ == '__main__':
    model = build_classifier_0(20)
    model.fit(load_data_3('train.csv'), epochs=EPOCHS, batch_size=BATCH_SIZE)
`;

/** A Keras file of about `lines` lines. */
export function generateKerasFile(lines: number): string {
  let out = HEADER;
  for (let n = 0; out.split('\n').length < lines - 5; n++) out += BLOCKS[n % BLOCKS.length](n);
  return out + FOOTER;
}
