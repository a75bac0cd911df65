/** How a file reaches tfjs: module specifiers, imports, and the names it uses for `tf` and `tf.layers`. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { AnalysisResult } from '../ir';
import { type AV, Scope } from './values';

const SPECIFIERS = new Set([
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-layers',
]);

export function tfjsModuleSpecifier(spec: string): boolean {
  return SPECIFIERS.has(spec) || /^@tensorflow\/tfjs(-node-gpu|-node|-layers)?\/dist\//.test(spec);
}

/** Binds every import from a tfjs module in the program's scope (imports are hoisted in JS too). */
export function bindImports(program: TSESTree.Program, scope: Scope): void {
  for (const statement of program.body) {
    if (statement.type !== 'ImportDeclaration' || statement.importKind === 'type') continue;
    if (!tfjsModuleSpecifier(String(statement.source.value))) continue;
    for (const specifier of statement.specifiers) {
      if (specifier.type === 'ImportSpecifier') {
        if (specifier.importKind === 'type') continue;
        const imported = specifier.imported;
        const name = imported.type === 'Identifier' ? imported.name : String(imported.value);
        // `import { default as tf }` is the namespace, as `import tf from` is.
        scope.vars.set(specifier.local.name, { t: 'tf', path: name === 'default' ? '' : name });
      } else {
        scope.vars.set(specifier.local.name, { t: 'tf', path: '' });
      }
    }
  }
}

/** The file's names for the tfjs namespace and `tf.layers`, for fixes that insert new calls. */
export function accessOf(scope: Scope): AnalysisResult['access'] {
  let tf: string | null = null;
  let layers: string | null = null;
  for (const [name, value] of scope.vars) {
    if (!isTf(value)) continue;
    if (value.path === '' && tf === null) tf = name;
    if (value.path === 'layers' && layers === null) layers = name;
  }
  if (layers === null && tf !== null) layers = `${tf}.layers`;
  return { tf, layers };
}

function isTf(value: AV): value is Extract<AV, { t: 'tf' }> {
  return value.t === 'tf';
}
