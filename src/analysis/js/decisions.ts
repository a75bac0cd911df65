/**
 * The decision points of paths.ts as the interpreter meets them: which option of an undecidable
 * if / switch / ternary this run takes, how the branch is named, and what it pins
 * (`modelType === 'cnn'` taken: `modelType` is 'cnn' for the rest of the path).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { evaluate } from './expressions';
import type { Interp } from './interpreter';
import { idPart, type Reading } from '../paths';
import { buildsDirectly, decide, mayBuild, onlyThrows } from './paths';
import { type AV, prim, type Scope } from './values';

/** Else-if chains: each `if` in `else if` belongs to the chain of the first. */
const chainOf = new WeakMap<TSESTree.Node, number>();

export const decided = {
  /** 0 = then, 1 = else; null when this `if` is not a decision (run both branches as before). */
  ifBranch(interp: Interp, node: TSESTree.IfStatement, scope: Scope): number | null {
    if (!interp.path || !(worth(interp, node.consequent) || worth(interp, node.alternate)))
      return null;
    const throwsThen = onlyThrows(node.consequent);
    const throwsElse = node.alternate ? onlyThrows(node.alternate) : false;
    const only = throwsThen === throwsElse ? undefined : throwsThen ? 1 : 0;
    const chain = chainOf.get(node) ?? node.range[0];
    const found = pinOf(interp, node.test, scope);
    const option = binary(interp, node.test, found, chain, only);
    if (option === null) return null;
    pinBranch(interp, found, option, scope);
    if (option === 1 && node.alternate?.type === 'IfStatement') chainOf.set(node.alternate, chain);
    return option;
  },

  /** The case index to start at (cases.length = no case matches); null when not a decision. */
  switchCase(interp: Interp, node: TSESTree.SwitchStatement, scope: Scope): number | null {
    const cases = node.cases;
    if (!interp.path || !cases.some((c) => c.consequent.some((n) => worth(interp, n)))) return null;
    const hasDefault = cases.some((c) => !c.test);
    const subject = interp.text(node.discriminant);
    const read = (i: number): Reading => {
      const test = cases[i]?.test;
      if (i >= cases.length) return { branch: 'no case', label: `${subject}: no case`, id: 'none' };
      if (!test) return { branch: 'default', label: `${subject}: default`, id: 'default' };
      const text = interp.text(test);
      const value = caseValue(interp, test, scope);
      const id = value !== null ? idPart(String(value)) : idPart(text);
      return { branch: `case ${text}`, label: `${subject} = ${text}`, id, subject };
    };
    const site = { condition: subject, chain: node.range[0] };
    const options = cases.length + (hasDefault ? 0 : 1);
    const option = decide(interp.path, `switch ${subject}`, options, site, read);
    if (option === null) return null;
    const test = cases[option]?.test;
    const target = node.discriminant;
    const value = test ? caseValue(interp, test, scope) : null;
    if (value !== null && (target.type === 'Identifier' || target.type === 'MemberExpression'))
      pin(interp, { target, value, text: interp.text(test!), onThen: true }, scope);
    return option;
  },

  /** A ternary that builds something (`cond ? tf.layers.lstm(...) : tf.layers.gru(...)`). */
  ternary(interp: Interp, node: TSESTree.ConditionalExpression, scope: Scope): number | null {
    if (!interp.path || !(worth(interp, node.consequent) || worth(interp, node.alternate)))
      return null;
    const found = pinOf(interp, node.test, scope);
    const option = binary(interp, node.test, found, node.range[0]);
    if (option !== null) pinBranch(interp, found, option, scope);
    return option;
  },
};

function worth(interp: Interp, node: TSESTree.Node | null | undefined): boolean {
  // Inside the body of a loop over values the extractor does not know (`for (const spec of
  // config.layers)`), a branch is each item's choice, not the model's: its layers become conditional.
  // Unless the model itself was made in that loop's body (`for (run < runs) build(flag)`): then the
  // branch is that model's choice.
  let loop: (typeof interp.conditions)[number] | undefined;
  for (const c of interp.conditions) if (c.branch === 'loop body') loop = c;
  if (loop && !interp.lastModelUnder.includes(loop)) return false;
  // Another file's code (data loading, an importer's CLI handling) forks only where it builds or
  // calls a builder: its returns and flag assignments would multiply the analysed file's paths.
  if (interp.home !== null) return buildsDirectly(node, (n) => interp.text(n), interp.builders());
  return mayBuild(node, (n) => interp.text(n), interp.builders());
}

/** `modelType === 'cnn'`, `kind === Kind.Lstm`: the compared variable and the constant it is tested against. */
interface Pin {
  target: TSESTree.Identifier | TSESTree.MemberExpression;
  value: string | number | boolean | null;
  /** The constant as written (`'cnn'`, `Kind.Lstm`). */
  text: string;
  /** True when the pin holds on the `then` branch (`===`/`==`), false for `!==`/`!=`. */
  onThen: boolean;
}

function pinOf(interp: Interp, test: TSESTree.Node, scope: Scope): Pin | null {
  if (test.type !== 'BinaryExpression' || test.left.type === 'PrivateIdentifier') return null;
  const op = test.operator;
  if (op !== '===' && op !== '==' && op !== '!==' && op !== '!=') return null;
  const sides: [TSESTree.Node, TSESTree.Node][] = [
    [test.left, test.right],
    [test.right, test.left],
  ];
  for (const [target, other] of sides) {
    if (target.type !== 'Identifier' && target.type !== 'MemberExpression') continue;
    const value = caseValue(interp, other, scope);
    if (value === null) continue;
    if (other.type !== 'Literal' && evaluate(interp, target, scope).t !== 'unknown') continue;
    return { target, value, text: interp.text(other), onThen: op === '===' || op === '==' };
  }
  return null;
}

/** A literal, or an expression that evaluates to a constant (an enum member, a frozen config). */
function caseValue(interp: Interp, node: TSESTree.Node, scope: Scope): Pin['value'] | null {
  if (node.type === 'Literal') return 'regex' in node || 'bigint' in node ? null : node.value;
  if (node.type !== 'MemberExpression' && node.type !== 'Identifier') return null;
  const value = evaluate(interp, node, scope);
  if (value.t !== 'prim' || value.v === undefined) return null;
  return value.v;
}

function binary(
  interp: Interp,
  test: TSESTree.Expression,
  found: Pin | null,
  chain: number,
  only?: number,
): number | null {
  const condition = interp.text(test);
  const read = (option: number): Reading => {
    const branch = option === 0 ? 'then' : 'else';
    if (found) {
      const subject = interp.text(found.target);
      const literal = found.text;
      const holds = (option === 0) === found.onThen;
      const value = idPart(String(found.value));
      return holds
        ? { branch, label: `${subject} = ${literal}`, id: value, subject }
        : {
            branch,
            label: `${subject} !== ${literal}`,
            id: `not-${value}`,
            subject,
            negative: true,
          };
    }
    const negated = test.type === 'UnaryExpression' && test.operator === '!';
    const plainText = negated ? interp.text(test.argument) : condition;
    const simple = /^[\w$.]+$/.test(plainText);
    const yes = (option === 0) !== negated;
    if (yes) return { branch, label: plainText, id: simple ? idPart(plainText) : branch };
    return {
      branch,
      label: `not ${simple ? plainText : `(${plainText})`}`,
      id: simple ? `no-${idPart(plainText)}` : branch,
    };
  };
  return decide(interp.path, condition, 2, { condition, chain }, read, only);
}

function pinBranch(interp: Interp, found: Pin | null, option: number, scope: Scope): void {
  if (found && (option === 0) === found.onThen) pin(interp, found, scope);
}

/** For the rest of the path the compared value is the literal (undone when the run ends). */
function pin(interp: Interp, found: Pin, scope: Scope): void {
  const run = interp.path;
  if (!run) return;
  const target = found.target;
  const value = prim(found.value);
  if (target.type === 'Identifier') {
    const owner = scope.owner(target.name);
    const old = owner?.vars.get(target.name);
    if (!owner || old?.t !== 'unknown') return;
    owner.vars.set(target.name, value);
    run.undo.push(() => owner.vars.set(target.name, old));
    return;
  }
  if (target.computed || target.property.type !== 'Identifier') return;
  const object: AV = evaluate(interp, target.object, scope);
  if (object.t !== 'object') return;
  const key = target.property.name;
  const old = object.props.get(key);
  if (old && old.value.t !== 'unknown') return;
  if (!old && !object.opaque) return;
  object.props.set(key, { value, span: null, valueSpan: null });
  run.undo.push(() => (old ? object.props.set(key, old) : object.props.delete(key)));
}
