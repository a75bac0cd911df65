/**
 * The tfjs code `rnn-without-clipping` inserts. tfjs optimizers have no clipnorm/clipvalue, but fit,
 * fitDataset, trainOnBatch and minimize all end in `optimizer.applyGradients(grads)`, so replacing that
 * method on the optimizer instance clips every update. The generated code is plain JS that is also valid,
 * and type-clean, TypeScript (the override's parameter is typed by the method it replaces).
 */

export interface ClipCodeOptions {
  /** The file's tfjs namespace binding, e.g. "tf". */
  tf: string;
  /** Expression reaching the optimizer instance, e.g. "model.optimizer" or "optimizer". */
  optimizer: string;
  clipNorm: number;
  /** Name for the saved original method; must not clash with the file's own names. */
  original: string;
  indent: string;
  newline: string;
}

/**
 * A block statement that replaces `optimizer.applyGradients` with a version that scales all gradients by
 * min(1, clipNorm / globalNorm). Gradients arrive as a `{name: tensor}` map (minimize, fit) or as an array
 * of `{name, tensor}`; both keep their names. The block keeps the saved original out of the file's scope.
 */
export function clipOverrideCode(o: ClipCodeOptions): string {
  const { tf, optimizer, original } = o;
  const lines = [
    '{',
    `  // tfjs optimizers have no clipnorm: scale every update so the gradients' global norm is at most clipNorm.`,
    `  const clipNorm = ${String(o.clipNorm)};`,
    `  const ${original} = ${optimizer}.applyGradients.bind(${optimizer});`,
    `  ${optimizer}.applyGradients = (grads) => {`,
    '    const named = Array.isArray(grads)',
    '      ? grads',
    '      : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));',
    `    if (named.length === 0) return ${original}(grads);`,
    `    const clipped = ${tf}.tidy(() => {`,
    `      const globalNorm = ${tf}.sqrt(${tf}.addN(named.map((g) => ${tf}.sum(${tf}.square(g.tensor)))));`,
    `      const scale = ${tf}.div(clipNorm, ${tf}.maximum(globalNorm, clipNorm));`,
    `      return named.map((g) => ({ name: g.name, tensor: ${tf}.mul(g.tensor, scale) }));`,
    '    });',
    `    ${original}(clipped);`,
    `    ${tf}.dispose(clipped.map((g) => g.tensor));`,
    '  };',
    '}',
  ];
  return lines.map((line) => o.indent + line).join(o.newline);
}

/** Names the generated code declares; an outside name it refers to must not be one of them. */
export const GENERATED_NAMES = new Set([
  'clipNorm',
  'grads',
  'named',
  'name',
  'clipped',
  'globalNorm',
  'g',
  'scale',
]);
