/** The probe's result: what `gradient-lens probe --format json` prints and the report view draws. */

export type Verdict = 'vanishing' | 'exploding' | 'healthy';

export interface WeightProbe {
  /** The tfjs variable name, e.g. "dense_Dense1/kernel". */
  name: string;
  shape: number[];
  gradNorm: number;
  weightNorm: number;
  nonFinite: number;
}

export interface LayerProbe {
  /** Index into the IR's layers; -1 for a layer inside a loaded base model. */
  index: number;
  name: string;
  className: string;
  /** 1-based source line of the layer's factory call, when the model came from source. */
  line: number | null;
  activation: string | null;
  params: number;
  /** Root of the sum of squared gradient norms of the layer's weights; null for weightless layers. */
  gradNorm: number | null;
  /** gradNorm divided by the output layer's gradNorm. */
  ratioToOutput: number | null;
  /**
   * ||W after the first step - W before|| / ||W before|| over the layer's weights, for one real step of the
   * report's `update.optimizer` (the model's own when known; reports saved before `update` existed held
   * learningRate * gradNorm / weightNorm, the plain step, for every optimizer).
   */
  updateToWeightRatio: number | null;
  weights: WeightProbe[];
  /** Fraction of saturated sigmoid/tanh units; null when the activation does not saturate. */
  saturatedFraction: number | null;
  /** Fraction of ReLU units that are zero for every example; null when not a ReLU-family layer. */
  deadFraction: number | null;
  nonFinite: number;
  /** Static estimate of gradNorm / output gradNorm; null when the estimate does not cover the layer. */
  estimate: number | null;
  estimateNote?: string;
  verdict: Verdict;
  /** gradNorm at each step when steps > 1. */
  gradNormPerStep?: number[];
  /** Non-finite gradient entries at each step when steps > 1 (the first step also counts non-finite weights). */
  nonFinitePerStep?: number[];
  /** Recurrent layers: the gradient of the loss with respect to each time step's input (first probe step). */
  temporal?: TemporalProbe;
}

/** Backpropagation through time for one recurrent layer, at the initial weights. */
export interface TemporalProbe {
  /** Time steps in the layer's input sequence. */
  steps: number;
  /** L2 norm (over batch and features) of d loss / d input at each time step; step 1 = earliest. */
  gradNormByStep: number[];
  /** A Bidirectional layer's two directions, each judged on its own. */
  directions?: { forward: number[]; backward: number[] };
  /** The layer reads its sequence last step first (goBackwards), so step 1 is the step nearest its output. */
  reversed?: boolean;
  /** The farthest step's gradient over the gradient of the step read last; null when that one is zero. */
  farToNear: number | null;
  /** Largest gradient of any step over the gradient of the step read last; null when that one is zero. */
  peakToNear: number | null;
  /** How many steps back from the step read last the gradient stays at or above vanishingRatio × its value. */
  reach: number;
  verdict: Verdict;
  /** One plain sentence: how far back the gradient lasts, or how fast it grows. */
  summary: string;
}

/** A value the code leaves open and the probe filled: from the code, from its role's default, or set by the user. */
export interface AssumedValue {
  /** The expression text as written (`hiddenSize`, `xTrain.shape[1]`), or `input` / `input2` for input shapes. */
  name: string;
  /** The value used, as plain JSON; null when an optional property was left to tfjs's default. */
  value: unknown;
  /** What the value stands for, e.g. "units of hidden dense layer 1 (line 12)". */
  role: string;
  source: 'code' | 'role-default' | 'set';
}

export interface ProbeReport {
  model: { name: string; line: number | null; source: string };
  backend: string;
  batchSize: number;
  steps: number;
  loss: number;
  lossPerStep: number[];
  learningRate: number | null;
  /** What the update-to-weight ratios measure; absent in reports saved before it existed. */
  update?: UpdateStep;
  layers: LayerProbe[];
  verdict: Verdict;
  verdictReason: string;
  /** maxUpdateRatio is absent in reports saved before it was an option; they used 1. */
  thresholds: { vanishingRatio: number; explodingRatio: number; maxUpdateRatio?: number };
  assumptions: string[];
  /** Values the code leaves open and how each was filled (absent in reports saved before it existed). */
  assumedValues?: AssumedValue[];
  /** Present on a first result only: it measured one step on this smaller batch; the full report follows. */
  preview?: { batchSize: number; steps: number; fullBatchSize: number; fullSteps: number };
  /**
   * loadMs: loading tfjs and its backend (the probe process adds it) and a model.json with its preparation;
   * buildMs: building from the IR, the synthetic batch and the static estimate; probeMs: the forward/backward
   * passes and their statistics only.
   */
  timings: { loadMs: number; buildMs: number; probeMs: number };
}

/**
 * The step behind the update-to-weight ratios: one real step of the tfjs optimizer `optimizer` (class name, e.g.
 * 'Adam'), built from the model's own settings; `plain` when the model's optimizer is not known (or there is
 * none) and the probe stepped with sgd instead, so the ratio is the plain step learningRate × gradient.
 */
export interface UpdateStep {
  optimizer: string;
  plain: boolean;
}

/** What to probe and how: built by the CLI or the extension, sent to the probe process as JSON. */
export interface ProbeRequest {
  target:
    | {
        kind: 'ir';
        model: import('../analysis/ir').ModelGraph;
        filePath: string;
        /** Absolute path of the source file and the workspace root: loaded base models resolve inside it. */
        sourcePath?: string;
        root?: string;
      }
    /** A saved model on disk: a tfjs model.json, or a Keras .h5 / .keras file (told apart by extension). */
    | { kind: 'model-json'; path: string };
  /** User-supplied values for unresolved expressions, keyed by expression text (`--set NAME=VALUE`). */
  values: Record<string, string>;
  /** Fill values that are neither in the code nor in `values` from their role's default (default true). */
  assume?: boolean;
  batchSize: number;
  steps: number;
  seed: number;
  /**
   * maxUpdateRatio: exploding when the optimizer's first step (||ΔW|| / ||W||) rewrites more than this fraction
   * of a layer's weights; optional for older callers, default 1.
   */
  thresholds: { vanishingRatio: number; explodingRatio: number; maxUpdateRatio?: number };
  /** Parameter ceiling, checked before any weight is allocated. */
  maxParams: number;
  /** The caller chose batchSize (`--batch`): it is measured as asked, never reduced to fit the budget. */
  batchChosen?: boolean;
  /** The probe process's timeout and memory cap (the client fills them): a large model's batch fits them. */
  budget?: ProbeBudget;
}

export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';

/** How to run the probe process; never sent to it as data the model could influence. */
export interface ProbeRuntimeOptions {
  backend: BackendChoice;
  /** Whether tfjs may be loaded from the probed project's node_modules (needs Workspace Trust in the editor). */
  allowProjectTfjs: boolean;
  /** Folder to resolve the project's own tfjs from (the probed file's folder). */
  searchFrom: string;
  timeoutMs: number;
  maxHeapMb: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /**
   * Called with a first, quicker result (one step on a smaller batch, marked by `preview`) before the full
   * measurement of a large model completes; the promise still resolves with the full report.
   */
  onPartial?: (report: ProbeReport) => void;
  /** How long the probe process stays warm after answering, for the next probe; 0 ends it at once. */
  idleMs?: number;
}

export type ProbeErrorCode =
  | 'unresolved'
  | 'unknown-layer'
  | 'shape'
  | 'too-large'
  | 'timeout'
  | 'out-of-memory'
  | 'cancelled'
  | 'backend'
  | 'bad-input'
  | 'internal';

/** A probe failure with one clear message; names the layer and its source line where there is one. */
export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
    readonly details: { layerIndex?: number; line?: number; needs?: string[] } = {},
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** The limits the probe process runs under (the client's timeout and memory cap). */
export interface ProbeBudget {
  timeoutMs: number;
  maxHeapMb: number;
}
