/** Checks a ProbeRequest from the CLI or the editor before any work: bad input gets a clear 'bad-input' error. */
import { PROBE_LIMITS } from './defaults';
import type { ModelGraph } from '../analysis/ir';
import { ProbeError, type ProbeRequest } from './types';

export function validateRequest(request: ProbeRequest): void {
  const problems: string[] = [];
  let empty: string | null = null;
  const positiveInt = (value: unknown, name: string, max: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`${name} must be an integer from 1 to ${max} (got ${String(value)})`);
    }
  };
  positiveInt(request.batchSize, 'batchSize', PROBE_LIMITS.maxBatch);
  positiveInt(request.steps, 'steps', PROBE_LIMITS.maxSteps);
  if (typeof request.seed !== 'number' || !Number.isFinite(request.seed)) {
    problems.push(`seed must be a number (got ${String(request.seed)})`);
  }
  const { vanishingRatio, explodingRatio } = request.thresholds ?? {};
  if (!(typeof vanishingRatio === 'number' && vanishingRatio > 0)) {
    problems.push('thresholds.vanishingRatio must be a positive number');
  }
  if (!(typeof explodingRatio === 'number' && explodingRatio > 0)) {
    problems.push('thresholds.explodingRatio must be a positive number');
  }
  const maxUpdateRatio = request.thresholds?.maxUpdateRatio;
  if (
    maxUpdateRatio !== undefined &&
    !(typeof maxUpdateRatio === 'number' && Number.isFinite(maxUpdateRatio) && maxUpdateRatio > 0)
  ) {
    problems.push(
      `thresholds.maxUpdateRatio must be a positive number (got ${String(maxUpdateRatio)})`,
    );
  }
  if (!(typeof request.maxParams === 'number' && request.maxParams > 0)) {
    problems.push('maxParams must be a positive number');
  }
  const target = request.target;
  if (!target || (target.kind !== 'ir' && target.kind !== 'model-json')) {
    problems.push('target must be {kind: "ir", model, filePath} or {kind: "model-json", path}');
  } else if (target.kind === 'ir' && (!target.model || !Array.isArray(target.model.layers))) {
    problems.push('target.model must be a ModelGraph');
  } else if (target.kind === 'ir' && target.model.layers.length === 0) {
    empty = emptyModel(target.model);
  } else if (target.kind === 'ir') {
    empty = opaqueOutputs(target.model);
  }
  if (
    request.values !== undefined &&
    (typeof request.values !== 'object' || request.values === null)
  ) {
    problems.push('values must be an object of NAME -> VALUE strings');
  }
  if (problems.length > 0)
    throw new ProbeError('bad-input', `invalid probe request: ${problems.join('; ')}`);
  // Not the request's fault: the code builds this model from values the analysis cannot follow.
  if (empty) throw new ProbeError('bad-input', empty);
}

function emptyModel(model: ModelGraph): string {
  const from =
    model.unknowns.length > 0 ? `, built from ${model.unknowns.slice(0, 3).join(', ')}` : '';
  return `no layers of the model "${model.name}" (line ${model.anchor.line}) could be followed${from}; \`gradient-lens models FILE\` shows what the analysis found, and a saved model (model.json, .h5, .keras) can be probed instead`;
}

/**
 * A functional model whose every output is a tensor the analysis could not follow (a custom layer's
 * `apply`, which it keeps as an open input) has nothing of its own between inputs and outputs to measure:
 * the sentence names that tensor rather than the empty model tfjs would build.
 */
function opaqueOutputs(model: ModelGraph): string | null {
  if (model.kind !== 'functional' || model.outputs.length === 0) return null;
  const opaque = model.outputs.map((id) => model.inputs.find((input) => input.id === id));
  if (!opaque.every((input) => input?.shape.kind === 'unknown' && input.base === undefined))
    return null;
  const texts = opaque.map((input) => `\`${(input!.shape as { text: string }).text.trim()}\``);
  return `model "${model.name}" outputs ${texts.join(', ')}, which the probe cannot build (a custom layer or a computation the analysis does not follow), so none of its layers reaches the loss`;
}
