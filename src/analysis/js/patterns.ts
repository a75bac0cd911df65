/** Assignment and destructuring for the abstract interpreter. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { memberOf } from './calls';
import { writeAccessor } from './class-members';
import { evaluate, propertyKey } from './expressions';
import type { Interp } from './interpreter';
import { spanOf } from './spans';
import { type AV, Scope, UNDEFINED, unknown } from './values';

/** Assignment to an identifier, a member or a pattern. */
export function assignTo(
  interp: Interp,
  target: TSESTree.Node,
  value: AV,
  scope: Scope,
  at: TSESTree.Node,
): void {
  if (target.type === 'Identifier') {
    const owner = scope.owner(target.name) ?? rootOf(scope);
    for (const loop of interp.loops) loop.assigned.set(target.name, owner);
    let next = value;
    // Assigned on one path of an undecidable branch: a plain value is no longer known after the branch.
    if (owner.conditionDepth < interp.conditions.length) {
      const old = owner.vars.get(target.name);
      if (value.t === 'prim' && !(old?.t === 'prim' && old.v === value.v)) {
        next = unknown(target.name, 'assigned in a branch');
      } else if (value.t === 'model' && old?.t === 'model' && old.model !== value.model) {
        // `if (a) model = buildA(); else model = buildB();` — what follows trains either one.
        const alternatives = [old.model, ...(old.alternatives ?? [])].filter(
          (m) => m !== value.model,
        );
        next = { t: 'model', model: value.model, alternatives: [...new Set(alternatives)] };
      } else if (old?.t === 'unknown' && (value.t === 'array' || value.t === 'object')) {
        // `if (!Array.isArray(sizes)) sizes = [sizes];`: still unknown after the branch.
        next = old;
      }
    }
    owner.vars.set(target.name, next);
    return;
  }
  if (target.type === 'MemberExpression') {
    const object = evaluate(interp, target.object, scope);
    const key = propertyKey(interp, target, scope);
    if (key === null) return;
    setMember(interp, object, key, value, at);
    return;
  }
  bindPattern(interp, target, value, scope, false);
}

/** Properties tfjs itself defines on a model: assigning them is not a field of the user's. */
const MODEL_OWN = new Set([
  'optimizer',
  'inputs',
  'outputs',
  'input',
  'output',
  'layers',
  'trainable',
]);

function setMember(interp: Interp, object: AV, key: string, value: AV, at: TSESTree.Node): void {
  if (key === 'applyGradients' && object.t !== 'optimizer') {
    // Replacing applyGradients on something we cannot tie to an optimizer: still a clipping hook.
    interp.noteClipping('override', at);
  }
  if (object.t === 'builtin' && object.name === 'globalThis' && !object.self) {
    // `self.model = tf.sequential()` in a worker, `window.net = ...` in a page: a global variable.
    interp.globals.set(key, value);
  } else if (object.t === 'object') {
    if (!writeAccessor(interp, object, key, value))
      object.props.set(key, { value, span: spanOf(at), valueSpan: null });
  } else if (object.t === 'model' && !MODEL_OWN.has(key)) {
    (object.model.fields ??= new Map()).set(key, { value, span: spanOf(at), valueSpan: null });
  } else if (object.t === 'array') {
    const index = Number(key);
    if (Number.isInteger(index) && index >= 0 && index < 100_000) object.items[index] = value;
  } else if (object.t === 'optimizer' && key === 'applyGradients') {
    if (!object.opt.overrides.some((s) => s.start === at.range[0]))
      object.opt.overrides.push(spanOf(at));
  }
}

function rootOf(scope: Scope): Scope {
  let root = scope;
  while (root.parent) root = root.parent;
  return root;
}

/** Binds (declare) or assigns a destructuring pattern. */
export function bindPattern(
  interp: Interp,
  pattern: TSESTree.Node,
  value: AV,
  scope: Scope,
  declare: boolean,
): void {
  switch (pattern.type) {
    case 'Identifier':
      if (declare) scope.vars.set(pattern.name, value);
      else assignTo(interp, pattern, value, scope, pattern);
      return;
    case 'AssignmentPattern': {
      const missing = value.t === 'prim' && value.v === undefined;
      bindPattern(
        interp,
        pattern.left,
        missing ? evaluate(interp, pattern.right, scope) : value,
        scope,
        declare,
      );
      return;
    }
    case 'ArrayPattern':
      pattern.elements.forEach((element, i) => {
        if (!element) return;
        if (element.type === 'RestElement') {
          const rest: AV =
            value.t === 'array'
              ? { t: 'array', items: value.items.slice(i) }
              : unknown(`${describe(interp, value)}.slice(${i})`);
          bindPattern(interp, element.argument, rest, scope, declare);
        } else {
          const item =
            value.t === 'array'
              ? (value.items[i] ?? UNDEFINED)
              : unknown(`${describe(interp, value)}[${i}]`);
          bindPattern(interp, element, item, scope, declare);
        }
      });
      return;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        if (property.type === 'RestElement') {
          bindPattern(
            interp,
            property.argument,
            value.t === 'object' ? value : unknown(describe(interp, value)),
            scope,
            declare,
          );
          continue;
        }
        const key = propertyKey(interp, property, scope);
        // Destructuring an unknown object: the local name is what the code (and `--set`) calls it.
        const item =
          key === null
            ? unknown(interp.text(property))
            : value.t === 'unknown'
              ? unknown(key, value.reason)
              : memberOf(interp, value, key, property);
        bindPattern(interp, property.value, item, scope, declare);
      }
      return;
    case 'MemberExpression':
      assignTo(interp, pattern, value, scope, pattern);
      return;
    default:
      return;
  }
}

function describe(_interp: Interp, value: AV): string {
  return value.t === 'unknown' ? value.text : value.t;
}
