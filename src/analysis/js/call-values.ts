/**
 * Values at a call's boundary: what a function with several returns gives back, how an unknown
 * argument is named inside it, how a call's arguments read in a model's name. Also `unwrap`, the
 * syntax wrappers evaluation looks through.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Interp } from './interpreter';
import { decide, mayBuild } from './paths';
import { type AV, type FunctionNode, UNDEFINED, unknown } from './values';

const TF_NAMESPACE: AV = { t: 'tf', path: '' };

/**
 * A function that may return from an undecidable branch: layers (or models) become alternatives of one
 * another, equal constants stay, anything else is unknown. `undefined` results are left out (`return;`
 * guards, the fall-through after a switch whose every case returns).
 */
export function joinReturns(early: AV[], last: AV, name: string): AV {
  // `return;` guards and a fall-through after returning switch cases carry no value worth joining.
  let all = [...early, last].filter((v) => !(v.t === 'prim' && v.v === undefined));
  if (all.length === 0) return UNDEFINED;
  // `try { return await tf.loadLayersModel(url) } catch {}` before building one: the paths that
  // return a loaded model or a value the extractor cannot read leave the model the function builds.
  const elsewhere = (v: AV) => v.t === 'unknown' || v.t === 'base';
  if (all.some((v) => v.t === 'model') && all.every((v) => v.t === 'model' || elsewhere(v)))
    all = all.filter((v) => v.t === 'model');
  const [first, ...rest] = all;
  if (first.t === 'layer' && rest.every((v) => v.t === 'layer')) {
    const alternatives = rest.flatMap((v) =>
      v.t === 'layer' ? [v.layer, ...(v.alternatives ?? [])] : [],
    );
    return {
      t: 'layer',
      layer: first.layer,
      alternatives: [...(first.alternatives ?? []), ...alternatives],
    };
  }
  if (first.t === 'model' && rest.every((v) => v.t === 'model')) {
    const alternatives = rest.flatMap((v) =>
      v.t === 'model' ? [v.model, ...(v.alternatives ?? [])] : [],
    );
    return { t: 'model', model: first.model, alternatives };
  }
  if (first.t === 'prim' && rest.every((v) => v.t === 'prim' && v.v === first.v)) return first;
  const tfjs = sameTfjsModule(all);
  if (tfjs) return tfjs;
  return unknown(`${name}(…)`, 'depends on a branch');
}

/**
 * A loader that tries tfjs-node and falls back to tfjs (`return await import(NODE)` in a try, then
 * `return await import('@tensorflow/tfjs')`) gives tfjs on every path: the same namespace (or
 * `tf.layers`) whichever returns. A path returning a module the extractor cannot link is taken for
 * the same fallback; any other value keeps the join unknown.
 */
function sameTfjsModule(all: AV[]): AV | null {
  const namespaces = all.filter((v) => v.t === 'tf');
  if (namespaces.length === 0) return null;
  const path = namespaces[0].t === 'tf' ? namespaces[0].path : '';
  const sameModule = (v: AV) =>
    (v.t === 'tf' && v.path === path) || (v.t === 'unknown' && v.reason === 'module');
  return all.every(sameModule) ? namespaces[0] : null;
}

/**
 * An argument that is undefined on some paths (`json ? JSON.parse(json) : undefined`) given to a
 * parameter with a default, in a function that builds: one path takes the argument, one the default.
 */
export function argumentOrDefault(
  interp: Interp,
  fn: FunctionNode,
  param: TSESTree.Parameter,
  value: AV,
): AV {
  if (param.type !== 'AssignmentPattern' || value.t !== 'unknown' || !value.orUndefined)
    return value;
  if (!mayBuild(fn.body, (n) => interp.text(n), interp.builders())) return value;
  const name = param.left.type === 'Identifier' ? param.left.name : paramText(interp, param);
  const site = { condition: value.text, chain: param.range[0] };
  const option = decide(interp.path, `default ${param.range[0]}`, 2, site, (i) =>
    i === 0
      ? { branch: 'given', label: `${name} given`, id: `${name}-given` }
      : { branch: 'left out', label: `${name} left out (default)`, id: `${name}-default` },
  );
  return option === 1 ? UNDEFINED : value;
}

/**
 * An unknown argument is known inside the function by the parameter's name (`hiddenSize`), which is
 * what the builder's reader sees and what `--set hiddenSize=128` can name.
 */
export function asParameter(param: TSESTree.Parameter, value: AV): AV {
  if (value.t !== 'unknown') return value;
  const target = param.type === 'AssignmentPattern' ? param.left : param;
  // `function build(tf) {...}` (plugins, workers): a `tf` handed in from outside is tfjs.
  if (target.type === 'Identifier' && target.name === 'tf') return TF_NAMESPACE;
  return target.type === 'Identifier' ? unknown(target.name, value.reason) : value;
}

/** `28, 10` / `{…}, 'cnn'`: how a call's arguments read in a model's name. */
export function argumentsText(args: AV[]): string {
  return args
    .map((arg) => {
      if (arg.t === 'prim') return typeof arg.v === 'string' ? `'${arg.v}'` : String(arg.v);
      if (arg.t === 'unknown') return arg.text.length <= 24 ? arg.text : '…';
      if (arg.t === 'array') return '[…]';
      return arg.t === 'object' ? '{…}' : '…';
    })
    .join(', ');
}

export function containsUnknown(value: AV, depth: number): boolean {
  if (value.t === 'unknown') return true;
  if (depth > 2) return false;
  // Plain loops: this runs on every argument of every guessing call (a map callback gets its whole
  // array each time), and the closures and copies of some() showed in the cold workspace profile.
  if (value.t === 'array') {
    for (const item of value.items) if (containsUnknown(item, depth + 1)) return true;
  } else if (value.t === 'object') {
    for (const prop of value.props.values())
      if (containsUnknown(prop.value, depth + 1)) return true;
  }
  return false;
}

/**
 * True when an argument a parameter receives holds an unknown (see containsUnknown). Arguments
 * past the parameters (the index and the whole array a `map` callback is given) never reach the
 * body: a callback of a 150-row array was checked against all of it on each of its 150 calls.
 */
export function bindsUnknown(params: readonly TSESTree.Parameter[], args: readonly AV[]): boolean {
  const rest = params.length > 0 && params[params.length - 1].type === 'RestElement';
  const bound = rest ? args.length : Math.min(args.length, params.length);
  for (let i = 0; i < bound; i++) if (containsUnknown(args[i], 0)) return true;
  return false;
}

/** A parameter's name as users write it for `--set NAME=VALUE` (no type annotation). */
export function paramText(interp: Interp, param: TSESTree.Parameter): string {
  const node = param.type === 'TSParameterProperty' ? param.parameter : param;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'RestElement' && node.argument.type === 'Identifier') return node.argument.name;
  return interp.text(node);
}

/** Strips wrappers that do not change the value: `await`, `as`, `!`, parentheses are already gone in ESTree. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
        current = current.type === 'AwaitExpression' ? current.argument : current.expression;
        break;
      default:
        return current;
    }
  }
}
