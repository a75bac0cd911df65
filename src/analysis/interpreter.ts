/**
 * A small abstract interpreter over the ESTree: it runs the file's top level (and the functions it calls)
 * with abstract values, so loops, helpers, variables and spreads resolve the way the code would run them.
 * What it cannot decide becomes `unknown` (with the expression's text) or a `conditional` mark.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ClippingKind, CustomLoopCall, Span } from './ir';
import type { FileClipping } from './training';
import { instantiate } from './calls';
import { evaluate, bindPattern } from './expressions';
import { spanOf } from './spans';
import {
  type AV,
  type FunctionNode,
  type LayerRec,
  type ModelRec,
  type OptimizerRec,
  type PropAV,
  Scope,
  UNDEFINED,
  truthy,
  unknown,
} from './values';

type Completion =
  undefined | { type: 'return'; value: AV } | { type: 'break' | 'continue'; label: string | null };

/** Iterations beyond this are not expanded (a data loop, not a layer loop). */
export const MAX_LOOP_ITERATIONS = 512;
/** Evaluation steps per file: a safety net against pathological inputs, far above real model files. */
const MAX_STEPS = 2_000_000;
const MAX_CALL_DEPTH = 24;

interface LoopFrame {
  layers: LayerRec[];
  iteration: number;
}

export class BudgetExceeded extends Error {}

export class Interp {
  steps = 0;
  private depth = 0;
  private readonly active = new Set<FunctionNode>();
  readonly conditions: { condition: string; branch: string }[] = [];
  private readonly loops: LoopFrame[] = [];
  readonly executed = new Set<FunctionNode>();
  readonly closures = new Map<FunctionNode, Extract<AV, { t: 'fn' }>>();
  readonly models: ModelRec[] = [];
  readonly optimizers: OptimizerRec[] = [];
  /** Custom-loop calls whose model could not be told from the code around them. */
  readonly looseLoops: CustomLoopCall[] = [];
  /** Clip calls and unattributed `applyGradients` replacements seen while evaluating. */
  readonly clipping: FileClipping = { calls: [], overrides: [] };
  private readonly clipSeen = new Set<number>();
  /** The function each custom-loop call ran in (by span start), to place loose calls next to their peers. */
  readonly loopFrames = new Map<number, FunctionNode | null>();
  /** Set while evaluating `const NAME = <init>`: a model or layer created by exactly that init takes the name. */
  nameHint: { node: TSESTree.Node; name: string } | null = null;
  private nextId = 0;
  /** The uncalled function being run with unknown parameters, if any. */
  private speculative: FunctionNode | null = null;
  /** The call stack; `guessing` frames run with parameters the file never supplied. */
  private readonly frames: { node: FunctionNode; guessing: boolean }[] = [];
  private sites: Map<string, number[]> | undefined;

  constructor(readonly source: string) {}

  /**
   * True while running the body of a function that the file never calls, with its parameters unknown:
   * a model built right there is a guess that a real call site, when there is one, replaces.
   */
  inSpeculativeFrame(): boolean {
    return this.frames[this.frames.length - 1]?.guessing === true;
  }

  /** The function whose body is running (null at the top level). */
  currentFunction(): FunctionNode | null {
    return this.frames[this.frames.length - 1]?.node ?? null;
  }

  id(): number {
    return this.nextId++;
  }

  text(node: TSESTree.Node): string {
    return this.source.slice(node.range[0], node.range[1]);
  }

  tick(): void {
    if (++this.steps > MAX_STEPS) throw new BudgetExceeded('evaluation budget exceeded');
  }

  noteClipping(kind: ClippingKind | 'override', node: TSESTree.Node): void {
    if (this.clipSeen.has(node.range[0])) return;
    this.clipSeen.add(node.range[0]);
    if (kind === 'override') this.clipping.overrides.push(spanOf(node));
    else this.clipping.calls.push({ kind, span: spanOf(node) });
  }

  /** Records a freshly created layer with the loop/branch it was created in. */
  noteLayer(layer: LayerRec): void {
    const loop = this.loops[this.loops.length - 1];
    if (loop) {
      layer.repeat = { iteration: loop.iteration, count: -1 };
      loop.layers.push(layer);
    }
    const condition = this.conditions[this.conditions.length - 1];
    if (condition) layer.conditional = { ...condition };
  }

  runProgram(program: TSESTree.Program, scope: Scope): void {
    this.execBlock(program.body, scope);
  }

  /** Runs functions the file defines but never called, with unknown parameters (exported builders, callbacks). */
  runUncalled(): void {
    for (let round = 0; round < 3; round++) {
      const pending = [...this.closures.values()].filter((fn) => !this.executed.has(fn.node));
      if (pending.length === 0) return;
      for (const fn of callersFirst((this.sites ??= callSitesByName(this.source)), pending)) {
        if (this.executed.has(fn.node)) continue;
        // A parameter with a default takes it (no call site says otherwise); others stay unknown.
        const args = fn.node.params.map((p) =>
          p.type === 'AssignmentPattern' ? UNDEFINED : unknown(paramText(this, p), 'parameter'),
        );
        this.speculative = args.some((a) => a.t === 'unknown') ? fn.node : null;
        try {
          this.callFunction(fn, args, fn.self ?? UNDEFINED);
        } finally {
          this.speculative = null;
        }
      }
    }
  }

  callFunction(fn: Extract<AV, { t: 'fn' }>, args: AV[], self: AV): AV {
    this.executed.add(fn.node);
    // Model code does not recurse; following recursion only multiplies work.
    if (this.depth >= MAX_CALL_DEPTH || this.active.has(fn.node))
      return unknown(`${fn.name}(...)`, 'recursion');
    this.active.add(fn.node);
    const caller = this.frames[this.frames.length - 1];
    const guessing =
      (this.speculative === fn.node && !caller) ||
      (caller?.guessing === true && args.some((a) => containsUnknown(a, 0)));
    this.frames.push({ node: fn.node, guessing });
    const scope = new Scope(fn.scope, this.conditions.length);
    if (fn.node.type !== 'ArrowFunctionExpression') scope.vars.set('this', self);
    fn.node.params.forEach((param, i) => {
      if (param.type === 'RestElement') {
        bindPattern(this, param.argument, { t: 'array', items: args.slice(i) }, scope, true);
      } else if (param.type === 'TSParameterProperty') {
        // `constructor(private readonly units = 8)` also sets `this.units`.
        bindPattern(this, param.parameter, args[i] ?? UNDEFINED, scope, true);
        const target =
          param.parameter.type === 'AssignmentPattern' ? param.parameter.left : param.parameter;
        if (self.t === 'object' && target.type === 'Identifier') {
          self.props.set(target.name, {
            value: scope.vars.get(target.name) ?? UNDEFINED,
            span: null,
            valueSpan: null,
          });
        }
      } else {
        bindPattern(this, param, args[i] ?? UNDEFINED, scope, true);
      }
    });
    this.depth++;
    try {
      const body = fn.node.body;
      if (!body) return UNDEFINED;
      if (body.type !== 'BlockStatement') return evaluate(this, body, scope);
      const completion = this.execBlock(body.body, scope);
      const result = completion?.type === 'return' ? completion.value : UNDEFINED;
      if (result.t === 'model') this.claimModel(result.model, fn);
      return result;
    } finally {
      this.depth--;
      this.active.delete(fn.node);
      this.frames.pop();
    }
  }

  /** A model returned by the function that created it is known by the function's name. */
  private claimModel(model: ModelRec, fn: Extract<AV, { t: 'fn' }>): void {
    const span = spanOf(fn.node);
    if (model.anchor.start < span.start || model.anchor.end > span.end || model.builderSpan) return;
    if (fn.name && fn.name !== '<anonymous>') model.name = fn.name;
    model.builderSpan = span;
  }

  makeFunction(
    node: FunctionNode,
    scope: Scope,
    name: string,
    self?: AV,
  ): Extract<AV, { t: 'fn' }> {
    const fn: Extract<AV, { t: 'fn' }> = { t: 'fn', node, scope, name, ...(self ? { self } : {}) };
    // The latest closure wins: a method seen through `new C()` runs later with that instance as `this`.
    this.closures.set(node, fn);
    return fn;
  }

  execBlock(body: TSESTree.Statement[] | TSESTree.ProgramStatement[], scope: Scope): Completion {
    for (const statement of body) hoist(this, statement, scope);
    for (const statement of body) {
      const completion = this.exec(statement, scope);
      if (completion) return completion;
    }
    return undefined;
  }

  exec(node: TSESTree.Node, scope: Scope): Completion {
    this.tick();
    switch (node.type) {
      case 'ExpressionStatement':
        evaluate(this, node.expression, scope);
        return undefined;
      case 'VariableDeclaration':
        for (const declarator of node.declarations) this.declare(declarator, scope);
        return undefined;
      case 'FunctionDeclaration':
      case 'TSDeclareFunction':
        return undefined;
      case 'ClassDeclaration': {
        const cls: AV = { t: 'class', node, scope, name: node.id?.name ?? 'default' };
        if (node.id) scope.vars.set(node.id.name, cls);
        instantiate(this, cls, null);
        return undefined;
      }
      case 'ReturnStatement':
        return {
          type: 'return',
          value: node.argument ? evaluate(this, node.argument, scope) : UNDEFINED,
        };
      case 'BlockStatement':
        return this.execBlock(node.body, new Scope(scope, this.conditions.length));
      case 'IfStatement':
        return this.execIf(node, scope);
      case 'SwitchStatement':
        return this.execSwitch(node, scope);
      case 'ForStatement':
        return this.execFor(node, scope);
      case 'ForOfStatement':
      case 'ForInStatement':
        return this.execForOf(node, scope);
      case 'WhileStatement':
      case 'DoWhileStatement':
        return this.execWhile(node, scope);
      case 'BreakStatement':
        return { type: 'break', label: node.label?.name ?? null };
      case 'ContinueStatement':
        return { type: 'continue', label: node.label?.name ?? null };
      case 'LabeledStatement':
        return this.exec(node.body, scope);
      case 'TryStatement': {
        const completion = this.exec(node.block, scope);
        if (node.handler) this.branch('catch', 'catch', () => this.exec(node.handler!.body, scope));
        const final = node.finalizer ? this.exec(node.finalizer, scope) : undefined;
        return final ?? completion;
      }
      case 'ThrowStatement':
        evaluate(this, node.argument, scope);
        return { type: 'return', value: UNDEFINED };
      case 'ExportNamedDeclaration':
        return node.declaration ? this.exec(node.declaration, scope) : undefined;
      case 'ExportDefaultDeclaration': {
        const declaration = node.declaration;
        if (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') {
          return this.exec(declaration, scope);
        }
        if (
          declaration.type !== 'TSDeclareFunction' &&
          declaration.type !== 'TSInterfaceDeclaration'
        ) {
          evaluate(this, declaration as TSESTree.Expression, scope);
        }
        return undefined;
      }
      case 'ImportDeclaration':
        return undefined; // bound up front by bindings.ts
      case 'TSEnumDeclaration':
        scope.vars.set(node.id.name, enumObject(this, node, scope));
        return undefined;
      default:
        return undefined; // types, empty statements, debugger, ...
    }
  }

  private declare(declarator: TSESTree.VariableDeclarator, scope: Scope): void {
    const init = declarator.init;
    if (!init) {
      bindPattern(this, declarator.id, UNDEFINED, scope, true);
      return;
    }
    const previous = this.nameHint;
    if (declarator.id.type === 'Identifier')
      this.nameHint = { node: unwrap(init), name: declarator.id.name };
    try {
      const value = evaluate(
        this,
        init,
        scope,
        declarator.id.type === 'Identifier' ? declarator.id.name : undefined,
      );
      bindPattern(this, declarator.id, value, scope, true);
    } finally {
      this.nameHint = previous;
    }
  }

  /** Runs `run` as an undecidable branch: what it creates or adds is marked conditional. */
  branch<T>(condition: string, branch: string, run: () => T): T {
    this.conditions.push({ condition, branch });
    try {
      return run();
    } finally {
      this.conditions.pop();
    }
  }

  private execIf(node: TSESTree.IfStatement, scope: Scope): Completion {
    const test = truthy(evaluate(this, node.test, scope));
    if (test === true) return this.exec(node.consequent, scope);
    if (test === false) return node.alternate ? this.exec(node.alternate, scope) : undefined;
    const condition = this.text(node.test);
    // Neither branch may end the enclosing function: the other path continues.
    this.branch(condition, 'then', () => this.exec(node.consequent, scope));
    if (node.alternate) this.branch(condition, 'else', () => this.exec(node.alternate!, scope));
    return undefined;
  }

  private execSwitch(node: TSESTree.SwitchStatement, scope: Scope): Completion {
    const discriminant = evaluate(this, node.discriminant, scope);
    const inner = new Scope(scope, this.conditions.length);
    const cases = node.cases;
    let start = -1;
    if (discriminant.t === 'prim') {
      let decidable = true;
      for (let i = 0; i < cases.length && start < 0; i++) {
        const test = cases[i].test;
        if (!test) continue;
        const value = evaluate(this, test, inner);
        if (value.t !== 'prim') decidable = false;
        else if (value.v === discriminant.v) start = i;
      }
      if (start < 0 && decidable) start = cases.findIndex((c) => !c.test);
      if (decidable) return start < 0 ? undefined : this.runCases(cases, start, inner);
    }
    const condition = this.text(node.discriminant);
    cases.forEach((c, i) => {
      const label = c.test ? `case ${this.text(c.test)}` : 'default';
      this.branch(condition, label, () => this.runCases(cases, i, inner));
    });
    return undefined;
  }

  private runCases(cases: TSESTree.SwitchCase[], start: number, scope: Scope): Completion {
    for (let i = start; i < cases.length; i++) {
      const completion = this.execBlock(cases[i].consequent, scope);
      if (completion?.type === 'break' && completion.label === null) return undefined;
      if (completion) return completion;
    }
    return undefined;
  }

  private execFor(node: TSESTree.ForStatement, scope: Scope): Completion {
    const loopScope = new Scope(scope, this.conditions.length);
    if (node.init) {
      if (node.init.type === 'VariableDeclaration') this.exec(node.init, loopScope);
      else evaluate(this, node.init, loopScope);
    }
    return this.loop(
      node,
      loopScope,
      (iteration) => {
        if (iteration > 0 && node.update) evaluate(this, node.update, loopScope);
        return node.test ? truthy(evaluate(this, node.test, loopScope)) : true;
      },
      () => {
        const bodyScope = new Scope(loopScope, this.conditions.length);
        // Per-iteration copies of `let` bindings are not needed: closures over the counter are rare here.
        return this.exec(node.body, bodyScope);
      },
    );
  }

  private execWhile(
    node: TSESTree.WhileStatement | TSESTree.DoWhileStatement,
    scope: Scope,
  ): Completion {
    const isDo = node.type === 'DoWhileStatement';
    return this.loop(
      node,
      scope,
      (iteration) => (isDo && iteration === 0 ? true : truthy(evaluate(this, node.test, scope))),
      () => this.exec(node.body, new Scope(scope, this.conditions.length)),
    );
  }

  private execForOf(
    node: TSESTree.ForOfStatement | TSESTree.ForInStatement,
    scope: Scope,
  ): Completion {
    const iterable = evaluate(this, node.right, scope);
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
      const bodyScope = new Scope(scope, this.conditions.length);
      const left = node.left;
      if (left.type === 'VariableDeclaration')
        bindPattern(this, left.declarations[0].id, item, bodyScope, true);
      else bindPattern(this, left as TSESTree.Node, item, bodyScope, false);
      return bodyScope;
    };
    if (!list) {
      const element = unknown(`${this.text(node.right)}[i]`, 'unknown iterable');
      return this.loop(
        node,
        scope,
        (i) => (i === 0 ? null : false),
        () => this.exec(node.body, bindItem(element)),
      );
    }
    return this.loop(
      node,
      scope,
      (i) => i < list.length,
      (i) => this.exec(node.body, bindItem(list[i])),
    );
  }

  /**
   * Shared loop driver. `test` returns true/false, or null when undecidable: then the body runs once
   * as a conditional branch and the loop stops.
   */
  private loop(
    node: TSESTree.Node,
    _scope: Scope,
    test: (iteration: number) => boolean | null,
    body: (iteration: number) => Completion,
  ): Completion {
    const frame: LoopFrame = { layers: [], iteration: 0 };
    this.loops.push(frame);
    let iterations = 0;
    let result: Completion;
    try {
      for (; iterations < MAX_LOOP_ITERATIONS; iterations++) {
        frame.iteration = iterations;
        const go = test(iterations);
        if (go === false) break;
        const completion =
          go === null
            ? this.branch(loopHeader(this, node), 'loop body', () => body(iterations))
            : body(iterations);
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
      this.loops.pop();
    }
    for (const layer of frame.layers) {
      if (iterations < 0 || iterations >= MAX_LOOP_ITERATIONS) delete layer.repeat;
      else if (layer.repeat) layer.repeat.count = iterations;
    }
    return result;
  }
}

/**
 * Orders uncalled functions so that a function runs before the helpers it calls: the helpers then run
 * with the caller's real arguments instead of unknown parameters. Call sites are found by name with one
 * regex pass over the source (cheap, and good enough for ordering).
 */
function callersFirst(sites: Map<string, number[]>, pending: FnAV[]): FnAV[] {
  const bySource = [...pending].sort((a, b) => a.node.range[0] - b.node.range[0]);
  // Outermost pending ranges are disjoint: "inside some pending function" is one binary search.
  const outer: [number, number][] = [];
  for (const fn of bySource) {
    const [start, end] = fn.node.range;
    const last = outer[outer.length - 1];
    if (!last || start >= last[1]) outer.push([start, end]);
  }
  const insidePending = (at: number): boolean => {
    let lo = 0;
    let hi = outer.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at < outer[mid][0]) hi = mid - 1;
      else if (at >= outer[mid][1]) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const calledFromPending = (fn: FnAV): boolean => {
    const [start, end] = fn.node.range;
    const name = fn.name.slice(fn.name.lastIndexOf('.') + 1);
    return (sites.get(name) ?? []).some((at) => !(at > start && at < end) && insidePending(at));
  };
  const roots: FnAV[] = [];
  const rest: FnAV[] = [];
  for (const fn of bySource) (calledFromPending(fn) ? rest : roots).push(fn);
  return [...roots, ...rest];
}

type FnAV = Extract<AV, { t: 'fn' }>;

/** Offsets of `name(` call sites by name: a scan from each `(` back over the identifier before it. */
function callSitesByName(source: string): Map<string, number[]> {
  const sites = new Map<string, number[]>();
  for (let paren = source.indexOf('('); paren >= 0; paren = source.indexOf('(', paren + 1)) {
    let end = paren;
    while (end > 0 && (source.charCodeAt(end - 1) === 32 || source.charCodeAt(end - 1) === 10))
      end--;
    let start = end;
    while (start > 0 && isIdentifierChar(source.charCodeAt(start - 1))) start--;
    if (start === end) continue;
    const name = source.slice(start, end);
    const list = sites.get(name);
    if (list) list.push(start);
    else sites.set(name, [start]);
  }
  return sites;
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36
  );
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

function containsUnknown(value: AV, depth: number): boolean {
  if (value.t === 'unknown') return true;
  if (depth > 2) return false;
  if (value.t === 'array') return value.items.some((item) => containsUnknown(item, depth + 1));
  if (value.t === 'object')
    return [...value.props.values()].some((p) => containsUnknown(p.value, depth + 1));
  return false;
}

function loopHeader(interp: Interp, node: TSESTree.Node): string {
  const text = interp.text(node);
  const brace = text.indexOf('{');
  return (brace > 0 ? text.slice(0, brace) : text.split('\n')[0]).trim();
}

/** A parameter's name as users write it for `--set NAME=VALUE` (no type annotation). */
function paramText(interp: Interp, param: TSESTree.Parameter): string {
  const node = param.type === 'TSParameterProperty' ? param.parameter : param;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'RestElement' && node.argument.type === 'Identifier') return node.argument.name;
  return interp.text(node);
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

export type { Span };
