/** Statements and control flow for the abstract interpreter: blocks, declarations, if/switch, loops. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { instantiate } from './calls';
import { evaluate } from './expressions';
import { bindPattern } from './patterns';
import { type Completion, type Interp, type LoopFrame, MAX_LOOP_ITERATIONS } from './interpreter';
import { unwrap } from './call-values';
import { spanOf } from './spans';
import { decided } from './decisions';
import { DEFAULT_EXPORT } from './linker';

const DATA_LOOP_STEPS = 20_000;
const QUIET_ITERATIONS = 8;
/** The same, for a loop that came out unfinished before in a quiet enclosing loop (see loop). */
const REPEATED_QUIET_ITERATIONS = 2;
import { type AV, type PropAV, Scope, UNDEFINED, openTails, truthy, unknown } from './values';

export function execBlock(
  interp: Interp,
  body: TSESTree.Statement[] | TSESTree.ProgramStatement[],
  scope: Scope,
): Completion {
  for (const statement of body) hoist(interp, statement, scope);
  for (const statement of body) {
    const completion = exec(interp, statement, scope);
    if (completion) return completion;
  }
  return undefined;
}

export function exec(interp: Interp, node: TSESTree.Node, scope: Scope): Completion {
  interp.tick();
  switch (node.type) {
    case 'ExpressionStatement':
      evaluate(interp, node.expression, scope);
      return undefined;
    case 'VariableDeclaration':
      if (node.declare) {
        // `declare const WIDTH: number`: defined outside this file, so unknown rather than undefined.
        for (const d of node.declarations) {
          if (d.id.type === 'Identifier')
            scope.vars.set(d.id.name, unknown(d.id.name, 'declared elsewhere'));
        }
        return undefined;
      }
      for (const declarator of node.declarations) declare(interp, declarator, scope, node.kind);
      return undefined;
    case 'FunctionDeclaration':
    case 'TSDeclareFunction':
      return undefined;
    case 'ClassDeclaration': {
      const cls: AV = { t: 'class', node, scope, name: node.id?.name ?? 'default' };
      if (interp.home) cls.home = interp.home;
      if (node.id) scope.vars.set(node.id.name, cls);
      instantiate(interp, cls, null);
      return undefined;
    }
    case 'ReturnStatement':
      return {
        type: 'return',
        value: node.argument ? evaluate(interp, node.argument, scope) : UNDEFINED,
      };
    case 'BlockStatement':
      return execBlock(interp, node.body, new Scope(scope, interp.conditions.length));
    case 'IfStatement':
      return execIf(interp, node, scope);
    case 'SwitchStatement':
      return execSwitch(interp, node, scope);
    case 'ForStatement':
      return execFor(interp, node, scope);
    case 'ForOfStatement':
    case 'ForInStatement':
      return execForOf(interp, node, scope);
    case 'WhileStatement':
    case 'DoWhileStatement':
      return execWhile(interp, node, scope);
    case 'BreakStatement':
      return { type: 'break', label: node.label?.name ?? null };
    case 'ContinueStatement':
      return { type: 'continue', label: node.label?.name ?? null };
    case 'LabeledStatement': {
      const completion = exec(interp, node.body, scope);
      const ends = completion?.type === 'break' && completion.label === node.label.name;
      return ends ? undefined : completion;
    }
    case 'TryStatement': {
      interp.tryDepth++;
      let completion: Completion;
      try {
        completion = exec(interp, node.block, scope);
      } finally {
        interp.tryDepth--;
      }
      let caught: Completion;
      if (node.handler)
        caught = interp.branch('catch', 'catch', () => exec(interp, node.handler!.body, scope));
      const final = node.finalizer ? exec(interp, node.finalizer, scope) : undefined;
      // `try { return await tf.loadLayersModel(url) } catch {}` then a model built below: when the
      // block returns and the handler falls through, the code after runs whenever the block threw.
      if (node.handler && completion?.type === 'return' && !caught && !final) {
        noteExit(interp, completion);
        return undefined;
      }
      // `try { return await tf.loadLayersModel(url) } catch { return null }`: the handler's value is
      // returned whenever the block threw (a caller then builds the model when nothing loaded).
      if (completion?.type === 'return' && caught?.type === 'return' && !final)
        noteExit(interp, caught);
      return final ?? completion;
    }
    case 'ThrowStatement':
      evaluate(interp, node.argument, scope);
      interp.endPath();
      return { type: 'throw' };
    case 'ExportNamedDeclaration':
      return node.declaration ? exec(interp, node.declaration, scope) : undefined;
    case 'ExportDefaultDeclaration': {
      const declaration = node.declaration;
      if (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') {
        return exec(interp, declaration, scope);
      }
      if (
        declaration.type !== 'TSDeclareFunction' &&
        declaration.type !== 'TSInterfaceDeclaration'
      ) {
        // Kept for files that import this one (`import config from './config'`).
        const value = evaluate(interp, declaration as TSESTree.Expression, scope, 'default');
        scope.vars.set(DEFAULT_EXPORT, value);
      }
      return undefined;
    }
    case 'ImportDeclaration':
      return undefined; // bound up front by bindings.ts
    case 'TSEnumDeclaration':
      scope.vars.set(node.id.name, enumObject(interp, node, scope));
      return undefined;
    default:
      return undefined; // types, empty statements, debugger, ...
  }
}

function declare(
  interp: Interp,
  declarator: TSESTree.VariableDeclarator,
  scope: Scope,
  kind: TSESTree.VariableDeclaration['kind'] = 'let',
): void {
  const init = declarator.init;
  // `var x` again in a block of the function that declared it is that same variable: no init
  // leaves it as it is, an init assigns it (so a loop's `var h = dense.apply(h)` chains).
  const owner =
    kind === 'var' && declarator.id.type === 'Identifier'
      ? scope.varOwner(declarator.id.name)
      : null;
  const redeclared = owner !== null && owner !== scope;
  if (!init) {
    if (!redeclared) bindPattern(interp, declarator.id, UNDEFINED, scope, true);
    return;
  }
  const previous = interp.nameHint;
  if (declarator.id.type === 'Identifier')
    interp.nameHint = { node: unwrap(init), name: declarator.id.name };
  try {
    const value = evaluate(
      interp,
      init,
      scope,
      declarator.id.type === 'Identifier' ? declarator.id.name : undefined,
    );
    bindPattern(interp, declarator.id, value, scope, !redeclared);
  } finally {
    interp.nameHint = previous;
  }
}

function execIf(interp: Interp, node: TSESTree.IfStatement, scope: Scope): Completion {
  const test = truthy(evaluate(interp, node.test, scope));
  if (test === true) return exec(interp, node.consequent, scope);
  if (test === false) return node.alternate ? exec(interp, node.alternate, scope) : undefined;
  const path = decided.ifBranch(interp, node, scope);
  if (path !== null) {
    const taken = path === 0 ? node.consequent : node.alternate;
    return taken ? exec(interp, taken, scope) : undefined;
  }
  const condition = interp.text(node.test);
  // Neither branch may end the enclosing function or loop: the other path continues.
  noteExit(
    interp,
    interp.branch(condition, 'then', () => exec(interp, node.consequent, scope)),
  );
  if (node.alternate) {
    noteExit(
      interp,
      interp.branch(condition, 'else', () => exec(interp, node.alternate!, scope)),
    );
  }
  return undefined;
}

/** An undecidable branch that breaks or returns: the enclosing loop may stop earlier than it seems. */
function noteExit(interp: Interp, completion: Completion): void {
  if (!completion) return;
  interp.possibleExits++;
  if (completion.type === 'return') interp.noteBranchReturn(completion.value);
}

function execSwitch(interp: Interp, node: TSESTree.SwitchStatement, scope: Scope): Completion {
  const discriminant = evaluate(interp, node.discriminant, scope);
  const inner = new Scope(scope, interp.conditions.length);
  const cases = node.cases;
  let start = -1;
  if (discriminant.t === 'prim') {
    let decidable = true;
    for (let i = 0; i < cases.length && start < 0; i++) {
      const test = cases[i].test;
      if (!test) continue;
      const value = evaluate(interp, test, inner);
      if (value.t !== 'prim') decidable = false;
      else if (value.v === discriminant.v) start = i;
    }
    if (start < 0 && decidable) start = cases.findIndex((c) => !c.test);
    if (decidable) return start < 0 ? undefined : runCases(interp, cases, start, inner);
  }
  const path = decided.switchCase(interp, node, inner);
  if (path !== null) return path < cases.length ? runCases(interp, cases, path, inner) : undefined;
  const condition = interp.text(node.discriminant);
  cases.forEach((c, i) => {
    const label = c.test ? `case ${interp.text(c.test)}` : 'default';
    noteExit(
      interp,
      interp.branch(condition, label, () => runCases(interp, cases, i, inner)),
    );
  });
  return undefined;
}

function runCases(
  interp: Interp,
  cases: TSESTree.SwitchCase[],
  start: number,
  scope: Scope,
): Completion {
  for (let i = start; i < cases.length; i++) {
    const completion = execBlock(interp, cases[i].consequent, scope);
    if (completion?.type === 'break' && completion.label === null) return undefined;
    if (completion) return completion;
  }
  return undefined;
}

function execFor(interp: Interp, node: TSESTree.ForStatement, scope: Scope): Completion {
  const loopScope = new Scope(scope, interp.conditions.length);
  if (node.init) {
    if (node.init.type === 'VariableDeclaration') exec(interp, node.init, loopScope);
    else evaluate(interp, node.init, loopScope);
  }
  return loop(
    interp,
    node,
    loopScope,
    (iteration) => {
      if (iteration > 0 && node.update) evaluate(interp, node.update, loopScope);
      return node.test ? truthy(evaluate(interp, node.test, loopScope)) : true;
    },
    () => {
      const bodyScope = new Scope(loopScope, interp.conditions.length);
      // Per-iteration copies of `let` bindings are not needed: closures over the counter are rare here.
      return exec(interp, node.body, bodyScope);
    },
  );
}

function execWhile(
  interp: Interp,
  node: TSESTree.WhileStatement | TSESTree.DoWhileStatement,
  scope: Scope,
): Completion {
  const isDo = node.type === 'DoWhileStatement';
  return loop(
    interp,
    node,
    scope,
    (iteration) => (isDo && iteration === 0 ? true : truthy(evaluate(interp, node.test, scope))),
    () => exec(interp, node.body, new Scope(scope, interp.conditions.length)),
  );
}

function execForOf(
  interp: Interp,
  node: TSESTree.ForOfStatement | TSESTree.ForInStatement,
  scope: Scope,
): Completion {
  const iterable = evaluate(interp, node.right, scope);
  let items: AV[] | null = null;
  if (node.type === 'ForOfStatement' && iterable.t === 'array') items = iterable.items;
  if (node.type === 'ForOfStatement' && iterable.t === 'prim' && typeof iterable.v === 'string') {
    items = [...iterable.v].map((ch) => ({ t: 'prim', v: ch }) as AV);
  }
  if (node.type === 'ForInStatement' && iterable.t === 'object') {
    items = [...iterable.props.keys()].map((key) => ({ t: 'prim', v: key }) as AV);
  }
  if (node.type === 'ForInStatement' && iterable.t === 'array') {
    items = iterable.items.map((_, i) => ({ t: 'prim', v: String(i) }) as AV);
  }
  const list = items;
  const bindItem = (item: AV): Scope => {
    const bodyScope = new Scope(scope, interp.conditions.length);
    const left = node.left;
    if (left.type === 'VariableDeclaration')
      bindPattern(interp, left.declarations[0].id, item, bodyScope, true);
    else bindPattern(interp, left as TSESTree.Node, item, bodyScope, false);
    return bodyScope;
  };
  if (!list) {
    const element = unknown(`${interp.text(node.right)}[i]`, 'unknown iterable');
    return loop(
      interp,
      node,
      scope,
      (i) => (i === 0 ? null : false),
      () => exec(interp, node.body, bindItem(element)),
    );
  }
  // Items added on some paths only: the body runs for them once, as a loop body of unknown length.
  const open = node.type === 'ForOfStatement' ? openTails.get(list) : undefined;
  return loop(
    interp,
    node,
    scope,
    (i) =>
      open !== undefined && i >= open
        ? i === open && i < list.length
          ? null
          : false
        : i < list.length,
    (i) => exec(interp, node.body, bindItem(list[i])),
  );
}

/**
 * Shared loop driver. `test` returns true/false, or null when undecidable: then the body runs once
 * as a conditional branch and the loop stops.
 */
function loop(
  interp: Interp,
  node: TSESTree.Node,
  _scope: Scope,
  test: (iteration: number) => boolean | null,
  body: (iteration: number) => Completion,
): Completion {
  const frame: LoopFrame = {
    layers: [],
    iteration: 0,
    assigned: new Map(),
    quiet: 0,
    cut: new Set(),
  };
  // A data loop left unfinished in an earlier iteration of an enclosing loop that has recorded
  // nothing since then (an inference loop inside a test loop) is cut sooner when it comes again.
  const allowance = interp.loops.some((outer) => outer.quiet > 0 && outer.cut.has(node))
    ? REPEATED_QUIET_ITERATIONS
    : QUIET_ITERATIONS;
  interp.loops.push(frame);
  let iterations = 0;
  let result: Completion;
  const startSteps = interp.steps;
  let mayHaveStopped = false;
  let quiet = 0;
  let abandoned = false;
  try {
    for (; iterations < MAX_LOOP_ITERATIONS; iterations++) {
      frame.iteration = iterations;
      // A loop that builds no layers for a while (a training or data loop) is not followed to its end.
      if (
        frame.layers.length === 0 &&
        (quiet >= allowance || interp.steps - startSteps > DATA_LOOP_STEPS)
      ) {
        abandoned = true;
        break;
      }
      const go = test(iterations);
      if (go === false) break;
      const exitsBefore = interp.possibleExits;
      const progressBefore = interp.progress;
      const completion =
        go === null
          ? interp.branch(loopHeader(interp, node), 'loop body', () => body(iterations))
          : mayHaveStopped
            ? interp.branch(loopHeader(interp, node), 'if the loop did not stop earlier', () =>
                body(iterations),
              )
            : body(iterations);
      if (interp.possibleExits !== exitsBefore) mayHaveStopped = true;
      quiet = interp.progress === progressBefore ? quiet + 1 : 0;
      frame.quiet = quiet;
      if (go === null) {
        iterations = -1;
        break;
      }
      if (completion?.type === 'break' && completion.label === null) {
        iterations++;
        break;
      }
      if (completion?.type === 'continue' && completion.label === null) continue;
      if (completion) {
        result = completion;
        iterations++;
        break;
      }
    }
  } finally {
    interp.loops.pop();
  }
  if (abandoned) {
    for (const outer of interp.loops) outer.cut.add(node);
    // What the unfinished iterations would have computed is not known.
    for (const [name, owner] of frame.assigned) {
      owner.vars.set(name, unknown(name, 'changed in a loop the extractor did not finish'));
    }
  }
  for (const layer of frame.layers) {
    if (iterations < 0 || iterations >= MAX_LOOP_ITERATIONS) delete layer.repeat;
    else if (layer.repeat) layer.repeat.count = iterations;
  }
  return result;
}

function loopHeader(interp: Interp, node: TSESTree.Node): string {
  const text = interp.text(node);
  const brace = text.indexOf('{');
  return (brace > 0 ? text.slice(0, brace) : text.split('\n')[0]).trim();
}

/** Function declarations are usable before their statement runs. */
function hoist(interp: Interp, statement: TSESTree.Node, scope: Scope): void {
  let node = statement;
  if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') {
    if (!node.declaration) return;
    node = node.declaration;
  }
  if (node.type === 'FunctionDeclaration' && node.id) {
    scope.vars.set(node.id.name, interp.makeFunction(node, scope, node.id.name));
  } else if (node.type === 'FunctionDeclaration') {
    interp.makeFunction(node, scope, 'default');
  }
}

/** `enum Kind { A = 'a', B }`: an object of its members (numbers count up from the last number). */
function enumObject(interp: Interp, node: TSESTree.TSEnumDeclaration, scope: Scope): AV {
  const props = new Map<string, PropAV>();
  const self: AV = { t: 'object', props };
  const inner = new Scope(scope, interp.conditions.length);
  let next: number | null = 0;
  const members =
    node.body?.members ?? (node as unknown as { members: TSESTree.TSEnumMember[] }).members;
  for (const member of members) {
    const key = member.id.type === 'Identifier' ? member.id.name : String(member.id.value);
    let value: AV;
    if (member.initializer) value = evaluate(interp, member.initializer, inner);
    else value = next === null ? unknown(`${node.id.name}.${key}`, 'enum') : { t: 'prim', v: next };
    next = value.t === 'prim' && typeof value.v === 'number' ? value.v + 1 : null;
    props.set(key, {
      value,
      span: spanOf(member),
      valueSpan: member.initializer ? spanOf(member.initializer) : null,
    });
    inner.vars.set(key, value);
  }
  return self;
}
