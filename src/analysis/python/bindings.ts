/**
 * Import bindings: every name a keras/tensorflow import binds becomes a dotted path in one canonical
 * spelling (`keras.layers.Dense`, `keras.optimizers.Adam`, `tf.clip_by_global_norm`), whichever of
 * `keras`, `tensorflow.keras`, `tf.keras`, `tf_keras`, TF 2's private `tensorflow.python.keras` or
 * submodules (`keras.layers.core`, `keras.optimizers.legacy`) the code went through.
 */
import type { SyntaxNode } from '@lezer/common';
import type { PyInterp } from './interpreter';
import {
  ACTIVATION_LAYERS,
  INITIALIZER_CLASSES,
  LAYER_CLASSES,
  MERGE_FUNCTIONS,
  isOptimizerName,
} from './keras-names';
import { importModule } from './imports';
import { kids } from './parse';
import { unknown, type PV, type Scope } from './values';

/** Whether unbound Keras names (`Dense`, `Sequential`) count as Keras: snippets and star imports. */
export interface ImportMode {
  globals: boolean;
}

const NAMESPACES = [
  'layers',
  'optimizers',
  'initializers',
  'losses',
  'regularizers',
  'constraints',
  'activations',
  'callbacks',
  'models',
];

/** Submodules that only group names: `keras.layers.core.Dense` is `keras.layers.Dense`. */
const GROUPING = new Set([
  'legacy',
  'experimental',
  'preprocessing',
  'core',
  'recurrent',
  'convolutional',
  'schedules',
]);

const canonical = new Map<string, string>();

/** The canonical spelling of a dotted module path (memoised: attribute chains repeat all over a file). */
export function canonicalPath(dotted: string): string {
  let known = canonical.get(dotted);
  if (known === undefined) {
    known = spellOut(dotted);
    if (canonical.size < 10_000) canonical.set(dotted, known);
  }
  return known;
}

function spellOut(dotted: string): string {
  let path = dotted.replace(/^tensorflow(?=\.|$)/, 'tf').replace(/^tf_keras(?=\.|$)/, 'keras');
  path = path
    .replace(/^tf\.(?:compat\.v[12]\.|python\.)?keras(?=\.|$)/, 'keras')
    // Keras 3 ships tf.keras's API inside itself: `keras._tf_keras.keras.layers`.
    .replace(/^keras\.(?:src|_tf_keras\.keras)(?=\.|$)/, 'keras');
  const [root, namespace, ...rest] = path.split('.');
  if (root === 'keras' && namespace === 'engine') return engineName(path, rest);
  if (root !== 'keras' || !NAMESPACES.includes(namespace)) return path;
  const names = rest.filter((name) => !GROUPING.has(name));
  if (names.length === 0) return `keras.${namespace}`;
  const last = names[names.length - 1];
  return namespace === 'models' ? `keras.${last}` : `keras.${namespace}.${last}`;
}

/**
 * Keras 1 and 2 exported the base classes from their engine too (`from keras.engine.topology import
 * Layer`, `keras.engine.training.Model`): the same classes as `keras.layers.Layer` and `keras.Model`.
 */
function engineName(path: string, rest: string[]): string {
  const last = rest[rest.length - 1] ?? '';
  if (last === 'Model' || last === 'Sequential') return `keras.${last}`;
  return /^[A-Z]/.test(last) ? `keras.layers.${last}` : path;
}

const LIBRARY_LAYERS = /^[A-Za-z_]\w*(?:\.\w+)*\.layers(?:\.\w+)*$/;

function isKerasModule(path: string): boolean {
  return path === 'tf' || path === 'keras' || path.startsWith('tf.') || path.startsWith('keras.');
}

export function bindImport(ip: PyInterp, node: SyntaxNode, scope: Scope): void {
  const parts = kids(node);
  const fromAt = parts.findIndex((c) => c.name === 'from');
  const importAt = parts.findIndex((c) => c.name === 'import');
  if (fromAt >= 0 && importAt > fromAt) {
    const module = canonicalPath(dotted(ip, parts.slice(fromAt + 1, importAt)));
    if (!isKerasModule(module)) {
      // `from .blocks import conv_block` names values; `from . import x` the package's own value
      // (its __init__.py: `from . import head` of a helper defined there) or else its module x.
      const own = importModule(ip, module);
      if (parts.slice(importAt + 1).some((c) => c.name === '*')) {
        // A workspace module's public names; an unread module may bring Keras's (`from utils import *`).
        if (!own) ip.imports.globals = true;
        for (const [name, value] of own?.snapshot() ?? []) {
          if (!name.startsWith('_')) scope.set(name, value);
        }
        return;
      }
      bindNames(ip, parts.slice(importAt + 1), scope, (name) => {
        if (module === 'functools' && name === 'partial')
          return { t: 'path', path: 'functools.partial' };
        if (module === 'argparse' && name === 'ArgumentParser')
          return { t: 'path', path: 'argparse.ArgumentParser' };
        const found = own?.get(name);
        if (found && found.t !== 'unknown') return found;
        // `from pcg.models import lstm`: Python imports the package's module when no name binds it.
        const sub = importModule(
          ip,
          /^\.+$/.test(module) ? `${module}${name}` : `${module}.${name}`,
        );
        if (sub) return { t: 'module', scope: sub, name };
        // A layer class of another Keras library (`from keras_contrib.layers import CRF`): a layer
        // the catalog does not know, kept under its own name.
        return LIBRARY_LAYERS.test(module) && /^[A-Z]/.test(name)
          ? { t: 'path', path: `keras.layers.${name}` }
          : unknown(name);
      });
      return;
    }
    if (parts.slice(importAt + 1).some((c) => c.name === '*')) ip.imports.globals = true;
    bindNames(ip, parts.slice(importAt + 1), scope, (name) => ({
      t: 'path',
      path: canonicalPath(`${module}.${name}`),
    }));
    return;
  }
  // import a.b.c [as x], d
  let names: SyntaxNode[] = [];
  const flush = (alias: SyntaxNode | null) => {
    if (names.length === 0) return;
    const full = names.map((n) => ip.text(n)).join('.');
    const canonical = canonicalPath(full);
    const bound = alias ? ip.text(alias) : ip.text(names[0]);
    const own =
      isKerasModule(canonical) || (!alias && names.length > 1) ? null : importModule(ip, full);
    const value: PV = own
      ? { t: 'module', scope: own, name: full }
      : full === 'functools' || full === 'argparse' || full === 'numpy'
        ? { t: 'path', path: full }
        : alias
          ? isKerasModule(canonical)
            ? { t: 'path', path: canonical }
            : unknown(full)
          : isKerasModule(canonicalPath(bound))
            ? { t: 'path', path: canonicalPath(bound) }
            : unknown(bound);
    scope.set(bound, value);
    names = [];
  };
  for (let i = importAt + 1; i < parts.length; i++) {
    const part = parts[i];
    if (part.name === 'as') {
      flush(parts[i + 1] ?? null);
      i++;
    } else if (part.name === ',') flush(null);
    else if (part.name === 'VariableName') names.push(part);
  }
  flush(null);
}

function dotted(ip: PyInterp, nodes: SyntaxNode[]): string {
  return nodes
    .filter((n) => n.name !== 'Comment')
    .map((n) => ip.text(n))
    .join('')
    .replace(/\s+/g, '');
}

function bindNames(
  ip: PyInterp,
  parts: SyntaxNode[],
  scope: Scope,
  valueOf: (name: string) => PV,
): void {
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name !== 'VariableName') continue;
    const name = ip.text(parts[i]);
    const alias = parts[i + 1]?.name === 'as' && parts[i + 2] ? ip.text(parts[i + 2]) : name;
    scope.set(alias, valueOf(name));
    if (alias !== name) i += 2;
  }
}

/** An unbound name that Keras code uses without importing it (a documentation snippet, `import *`). */
export function globalKerasName(name: string): PV | null {
  // `Layer`: the base class of a custom layer (`class Attention(Layer)` under `from keras.layers import *`).
  if (
    Object.prototype.hasOwnProperty.call(LAYER_CLASSES, name) ||
    name === 'Input' ||
    name === 'Layer'
  )
    return { t: 'path', path: `keras.layers.${name}` };
  if (Object.prototype.hasOwnProperty.call(ACTIVATION_LAYERS, name))
    return { t: 'path', path: `keras.layers.${name}` };
  if (Object.prototype.hasOwnProperty.call(MERGE_FUNCTIONS, name) || name === 'merge')
    return { t: 'path', path: `keras.layers.${name}` };
  if (name === 'Sequential' || name === 'Model') return { t: 'path', path: `keras.${name}` };
  if (isOptimizerName(name)) return { t: 'path', path: `keras.optimizers.${name}` };
  if (Object.prototype.hasOwnProperty.call(INITIALIZER_CLASSES, name))
    return { t: 'path', path: `keras.initializers.${name}` };
  if (name === 'tf') return { t: 'path', path: 'tf' };
  if (name === 'keras') return { t: 'path', path: 'keras' };
  // A Keras module used without its import (`layers.Dense(...)` in a book listing).
  if (
    name === 'layers' ||
    name === 'models' ||
    name === 'optimizers' ||
    name === 'losses' ||
    name === 'initializers'
  )
    return { t: 'path', path: `keras.${name}` };
  return null;
}
