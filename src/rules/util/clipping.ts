/**
 * The tfjs code `rnn-without-clipping` inserts. tfjs optimizers have no clipnorm/clipvalue, but fit,
 * fitDataset, trainOnBatch and minimize all end in `optimizer.applyGradients(grads)`, so replacing that
 * method on the optimizer instance clips every update. The generated code is plain JS that is also valid,
 * and type-clean, TypeScript (the override's parameter is typed by the method it replaces).
 */

import type { TextEdit } from '../types';
import { freshName, newline } from './source';

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

export interface Namespace {
  /** The tfjs namespace name the generated code uses. */
  name: string;
  /** The edit that binds it, when the file has no namespace binding yet. */
  edit: TextEdit | null;
}

const FULL_TFJS = /^@tensorflow\/tfjs(?:-node|-node-gpu)?$/;

/**
 * A tfjs namespace for generated code: the file's own (`tf`), or, when the file only takes named bindings
 * (`import { sequential, layers } from '@tensorflow/tfjs'`, `const { sequential } = require(...)`), a new
 * namespace binding of the same module added after that import. Null when the file reaches tfjs only
 * through `@tensorflow/tfjs-layers`, which has no tidy/sqrt/... to write the clipping with.
 */
export function tfNamespace(source: string, existing: string | null): Namespace | null {
  if (existing) return { name: existing, edit: null };
  const binding = lastTfjsBinding(source);
  if (!binding) return null;
  const name = freshName(source, 'tf');
  const text =
    binding.form === 'import'
      ? `import * as ${name} from ${binding.quote}${binding.module}${binding.quote};`
      : `const ${name} = require(${binding.quote}${binding.module}${binding.quote});`;
  return { name, edit: { start: binding.end, end: binding.end, text: newline(source) + text } };
}

interface Binding {
  form: 'import' | 'require';
  module: string;
  quote: string;
  /** Offset just after the binding statement. */
  end: number;
}

/** The last statement at the start of a line that imports or requires full tfjs. */
function lastTfjsBinding(source: string): Binding | null {
  const statement =
    /^(?:import\s[^;]*?\bfrom\s*|(?:const|let|var)\s+\{[^}]*\}\s*=\s*require\s*\(\s*)(['"])([^'"]+)\1\s*\)?;?/gm;
  let found: Binding | null = null;
  for (const match of source.matchAll(statement)) {
    if (!FULL_TFJS.test(match[2])) continue;
    const form = match[0].startsWith('import') ? 'import' : 'require';
    if (form === 'require' && !/\)\s*;?$/.test(match[0])) continue;
    found = { form, module: match[2], quote: match[1], end: match.index + match[0].length };
  }
  return found;
}
