/**
 * Gaps in a backend's gradient kernels. tfjs 4.22's wasm backend lacks Conv2DBackpropFilter, the depthwise pair and
 * UnsortedSegmentSum (an embedding's gradient), so such models cannot be differentiated there. Moving the whole probe
 * to cpu made a small ResNet take about a minute; instead the probe supplies them on wasm: the filter gradient as a
 * wasm convolution, the others by copying inputs to tfjs's cpu kernel and the result back. Anything still missing
 * makes the engine rerun on cpu; the helpers here say so in the report and clean up the failed attempt.
 */
import type {
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  Tensor,
  TensorInfo,
} from '@tensorflow/tfjs';
import type { ProbeReport } from './types';

type Tf = typeof import('@tensorflow/tfjs');
type Values = Float32Array | Int32Array | Uint8Array;

const BORROWABLE = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  // The gradient of an embedding (gather) lookup.
  'UnsortedSegmentSum',
];

interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: string, values: Values): TensorInfo;
  readSync(dataId: object): Values;
  disposeData(dataId: object): boolean;
}

interface WasmBackend {
  readSync(dataId: object): Values;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Values): TensorInfo;
}

const borrowed = new Set<string>();

/** Registers the missing kernels on wasm (once per process); returns the names borrowed so far. */
export function borrowMissingKernels(tf: Tf): string[] {
  if (tf.getBackend() !== 'wasm' || !tf.findBackendFactory('cpu')) return [...borrowed];
  const present = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const name of BORROWABLE) {
    if (present.has(name)) continue;
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) =>
        (name === 'Conv2DBackpropFilter' &&
          filterGradOnWasm(tf, inputs, backend as WasmBackend & Disposer, attrs ?? {})) ||
        runOnCpu(tf, cpuKernel, inputs, backend as WasmBackend, attrs ?? {}),
    });
    borrowed.add(name);
  }
  return [...borrowed];
}

/** The tfjs instances whose Unpack gradient is fixed (a process may load the workspace's and the bundled one). */
const unpackFixed = new WeakSet<object>();

/**
 * tfjs 4.22 hands Unpack's gradient a lone tensor when the unstacked axis has one entry, and its
 * gradient then fails (`stack` of a tensor): a recurrent layer over one time step after a layer with
 * weights cannot be differentiated. The same gradient, given that tensor as a list of one.
 */
export function fixUnpackGradient(tf: Tf): void {
  if (unpackFixed.has(tf)) return;
  unpackFixed.add(tf);
  tf.registerGradient({
    kernelName: 'Unpack',
    gradFunc: (dy, _saved, attrs) => {
      const axis = (attrs as { axis: number }).axis;
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  });
}

/** Says when a gradient kernel the backend lacks was supplied by the probe, for the layers that need it. */
export function kernelNotes(tf: Tf, borrowed: string[], report: ProbeReport): string[] {
  const backend = tf.getBackend();
  const classes = report.layers.map((l) => l.className);
  const notes: string[] = [];
  if (borrowed.includes('Conv2DBackpropFilter') && classes.some((c) => /^Conv[123]D/.test(c))) {
    notes.push(
      `tfjs's ${backend} backend has no Conv2DBackpropFilter kernel: the probe computes convolution filter gradients as a ${backend} convolution.`,
    );
  }
  if (
    borrowed.some((k) => k.startsWith('Depthwise')) &&
    classes.some((c) => /Depthwise|Separable/.test(c))
  ) {
    notes.push(
      `tfjs's ${backend} backend has no depthwise-convolution gradient kernels: those gradients come from tfjs's cpu kernels.`,
    );
  }
  if (borrowed.includes('UnsortedSegmentSum') && classes.includes('Embedding')) {
    notes.push(
      `tfjs's ${backend} backend has no UnsortedSegmentSum kernel: the embedding gradient comes from tfjs's cpu kernel.`,
    );
  }
  return notes;
}

/**
 * tfjs keeps the tensors its gradient tape saved when the backward pass throws, and leaves the tape active.
 * Release them (best effort, through the engine's state) so a failed attempt does not leak a forward pass.
 */
export function releaseFailedTape(tf: Tf): void {
  const state = (tf.engine() as unknown as { state?: EngineState }).state;
  if (!state?.activeTape || state.gradientDepth !== 0) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

interface EngineState {
  activeTape: { saved?: Tensor[] }[] | null;
  gradientDepth: number;
}

export function missingKernel(err: unknown): string | null {
  const message = err instanceof Error ? err.message : '';
  return /Kernel '([^']+)' not registered for backend/.exec(message)?.[1] ?? null;
}

function runOnCpu(
  tf: Tf,
  kernel: KernelConfig,
  inputs: NamedTensorInfoMap,
  wasm: WasmBackend,
  attrs: NamedAttrMap,
): TensorInfo | TensorInfo[] {
  const cpu = tf.findBackend('cpu') as unknown as CpuBackend;
  const copies: NamedTensorInfoMap = {};
  for (const [key, info] of Object.entries(inputs)) {
    if (info) copies[key] = cpu.makeTensorInfo(info.shape, info.dtype, wasm.readSync(info.dataId));
  }
  try {
    const result = kernel.kernelFunc({ inputs: copies, backend: cpu as never, attrs });
    const outputs = Array.isArray(result) ? result : [result];
    const moved = outputs.map((out) => {
      const values = cpu.readSync(out.dataId);
      cpu.disposeData(out.dataId);
      return wasm.makeOutput(out.shape, out.dtype, undefined, values);
    });
    return Array.isArray(result) ? moved : moved[0]!;
  } finally {
    for (const copy of Object.values(copies)) if (copy) cpu.disposeData(copy.dataId);
  }
}

interface Disposer {
  disposeData(dataId: object): boolean;
}

/**
 * dW[kh,kw,ci,co] = sum over b,i,j of xPadded[b, i*s+kh, j*s+kw, ci] * dy[b,i,j,co] is itself a convolution:
 * input xPadded with batch and channels swapped ([ci, H, W, b]), filter dy as [oh, ow, b, co], dilation = the
 * forward stride. Composed from wasm's own Pad/Transpose/Conv2D/Slice kernels; null (use cpu) for NCHW.
 */
function filterGradOnWasm(
  tf: Tf,
  inputs: NamedTensorInfoMap,
  wasm: WasmBackend & Disposer,
  attrs: NamedAttrMap,
): TensorInfo | null {
  const { x, dy } = inputs;
  if (!x || !dy || attrs['dataFormat'] !== 'NHWC') return null;
  const filterShape = attrs['filterShape'] as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs['strides'] as [number, number],
    1,
    attrs['pad'] as 'same',
    attrs['dimRoundingMode'] as 'floor' | undefined,
  );
  const temps: TensorInfo[] = [];
  const run = (kernel: string, ins: NamedTensorInfoMap, kernelAttrs: NamedAttrMap): TensorInfo => {
    const out = tf
      .getKernel(kernel, 'wasm')!
      .kernelFunc({ inputs: ins, backend: wasm as never, attrs: kernelAttrs });
    temps.push(out as TensorInfo);
    return out as TensorInfo;
  };
  try {
    const { top, bottom, left, right } = info.padInfo;
    const padded = run(
      'PadV2',
      { x },
      {
        paddings: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const input = run('Transpose', { x: padded }, { perm: [3, 1, 2, 0] });
    const filter = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = run(
      'Conv2D',
      { x: input, filter },
      {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
      },
    );
    const [fh, fw, ci, co] = filterShape;
    const cropped = run('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [ci, fh, fw, co] });
    const result = tf.getKernel('Transpose', 'wasm')!.kernelFunc({
      inputs: { x: cropped },
      backend: wasm as never,
      attrs: { perm: [1, 2, 0, 3] },
    }) as TensorInfo;
    return result;
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}
