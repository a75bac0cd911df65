/**
 * tfjs 4.22's RNN.apply writes the initial state it found into the options object it was given.
 * A functional model passes one options object to every layer it runs (`model.apply(x, {training})`),
 * so in a model whose RNN takes its initial state as inputs (a seq2seq decoder fed the encoder's
 * states, or state inputs of its own) that RNN, run on its list of tensors, then finds an
 * initialState as well and throws "When inputs is an array, neither initialState or constants
 * should be provided"; `predict` passes no options and works. Each RNN application gets its own copy.
 */
type Tf = typeof import('@tensorflow/tfjs');

/** The tfjs instances whose RNN.apply is fixed (a process may load the workspace's and the bundled one). */
const fixed = new WeakSet<object>();

type Apply = (this: unknown, inputs: unknown, kwargs?: Record<string, unknown>) => unknown;

export function fixRnnKwargs(tf: Tf): void {
  if (fixed.has(tf)) return;
  fixed.add(tf);
  const lstm = tf.layers.lstm({ units: 1 });
  // LSTM, GRU and SimpleRNN extend RNN, which defines apply.
  const rnn = Object.getPrototypeOf(Object.getPrototypeOf(lstm)) as { apply: Apply };
  if (!Object.prototype.hasOwnProperty.call(rnn, 'apply')) return;
  const apply = rnn.apply;
  rnn.apply = function (inputs, kwargs) {
    return apply.call(this, inputs, kwargs == null ? kwargs : { ...kwargs });
  };
}
