/**
 * A small evaluator for Python model code: it runs the module top-down the way Python would (with
 * budgets), following assignments, function calls with their defaults, loops over known ranges and
 * lists, and branches on known values. An undecidable branch that may build is a decision of the
 * path being run (paths.ts); other undecidable branches run both ways, what they add marked
 * `conditional`. Expressions live in expressions.ts, what Keras calls mean in keras.ts.
 */
import type { SyntaxNode } from '@lezer/common';
import type { ClippingEvidence, CustomLoopCall, Span } from '../ir';
import type { PythonModuleHost } from './imports';
import { arrayArithmetic } from './arrays';
import { bindImport, type ImportMode } from './bindings';
import { assignTo, evalExpr } from './expressions';
import { bindParams } from './calls';
import { tensorArithmetic } from './keras';
import { keepingKids, kids, type Lines } from './parse';
import { decide, mayBuild, type PathRun } from './paths';
import {
  NONE,
  Scope,
  truthy,
  unknown,
  type DictEntry,
  type ModelRec,
  type OptimizerRec,
  type PV,
  type TensorNode,
} from './values';

type Signal = { kind: 'return'; value: PV } | { kind: 'break' } | { kind: 'continue' } | null;

/** Enough for any real model file; a runaway loop stops here and says so. */
const STEP_BUDGET = 300_000;
const MAX_DEPTH = 40;
const MAX_ITERATIONS = 2_000;
/** A loop that builds and trains nothing for this many iterations, or this many steps, is a data loop. */
const QUIET_ITERATIONS = 8;
/** The same, for a loop left unfinished before in an enclosing loop that has recorded nothing since. */
const REPEATED_QUIET_ITERATIONS = 2;
export const DATA_LOOP_STEPS = 20_000;

/** A `for` loop being run: how it goes, for the loops inside it (runFor). */
interface LoopFrame {
  /** Iterations in a row, up to the last one, that recorded nothing. */
  quiet: number;
  /** The loops inside this one (by their offset) that were left unfinished while it ran. */
  cut: Set<number>;
}

/** A Python file being run: the analysed one, or a workspace module it imports. */
export interface PyModule {
  source: string;
  lines: Lines;
  imports: ImportMode;
  /** Its `__name__`: `__main__` for the analysed file, so its `if __name__ == '__main__':` runs. */
  name: string;
  /** Absolute path, for modules other than the analysed file. */
  file?: string;
}

export class PyInterp {
  readonly models: ModelRec[] = [];
  readonly clipCalls: ClippingEvidence[] = [];
  /** Custom-loop calls that no model expression reached (`optimizer.apply_gradients(...)`). */
  readonly looseLoops: { call: CustomLoopCall; optimizer?: OptimizerRec }[] = [];
  /** The model whose call gave each output tensor (a loss applied to it in a training loop is its loss). */
  readonly modelOutputs = new WeakMap<TensorNode, ModelRec>();
  readonly called = new Set<number>();
  /**
   * The file's functions passed to a call as values (`kt.Hyperband(build_model)`,
   * `KerasClassifier(build_fn=make)`): a library calls them, the run may never (index.ts).
   */
  readonly handedOver = new Set<Extract<PV, { t: 'func' }>>();
  readonly conds: { condition: string; branch: string }[] = [];
  readonly repeats: { iteration: number; count: number }[] = [];
  private readonly loops: LoopFrame[] = [];
  /** Functions and classes being run, innermost last: a model made inside one spans it. */
  readonly builders: { name: string; span: Span }[] = [];
  /** The simple name the statement being run assigns to, and its right-hand side. */
  assign: { name: string; rhs: SyntaxNode } | null = null;
  speculative = false;
  /** `K.image_data_format()`: Keras's default until the code sets another; null once set to an unknown. */
  imageDataFormat: string | null = 'channels_last';
  /** The path being run (paths.ts): undecidable conditions that may build take its options. */
  path: PathRun | null = null;
  /** Calls of the module's own builders, for telling which branches may build. */
  builderNames: RegExp | null = null;
  stopped: number | null = null;
  /** Workspace imports (`from .blocks import conv_block`): how to find and read them. */
  host: PythonModuleHost | null = null;
  filePath = '';
  /** The analysed file's top-level scope, for importers run with it (imports.ts). */
  mainScope: Scope | null = null;
  /** Imported workspace modules by file: their top-level scope once run (null while running). */
  readonly loaded = new Map<string, Scope | null>();
  /** The file whose code runs now. */
  module: PyModule;
  readonly main: PyModule;
  steps = 0;
  private depth = 0;
  private nextId = 0;
  /** Layers created so far (each `Dense(...)` call). */
  layersMade = 0;
  /** Training calls and clipping recorded so far (training.ts), for progress(). */
  records = 0;

  constructor(source: string, lines: Lines, imports: ImportMode) {
    this.main = this.module = { source, lines, imports, name: '__main__' };
  }

  get source(): string {
    return this.module.source;
  }

  get lines(): Lines {
    return this.module.lines;
  }

  get imports(): ImportMode {
    return this.module.imports;
  }

  /** Runs `run` with `module` as the file whose nodes are read (a function defined in it). */
  inModule<T>(module: PyModule | undefined, run: () => T): T {
    if (!module || module === this.module) return run();
    const saved = this.module;
    this.module = module;
    try {
      return run();
    } finally {
      this.module = saved;
    }
  }

  text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  span(node: SyntaxNode | { from: number; to: number }): Span {
    return this.lines.span(node.from, node.to);
  }

  id(): number {
    return this.nextId++;
  }

  /**
   * Runs `run` on a budget of its own (an importer of the analysed file): what it spends, and a
   * stop it meets, leave the analysed file's budget and its problems as they were.
   */
  aside(budget: number, run: () => void): void {
    const [steps, stopped] = [this.steps, this.stopped];
    this.steps = Math.max(0, STEP_BUDGET - budget);
    try {
      run();
    } finally {
      this.steps = steps;
      this.stopped = stopped;
    }
  }

  /** Counts work; false once the budget is spent (the caller stops). */
  tick(node: SyntaxNode): boolean {
    if (this.stopped !== null) return false;
    if (++this.steps > STEP_BUDGET) {
      this.stopped = this.lines.position(node.from).line;
      return false;
    }
    return true;
  }

  runModule(top: SyntaxNode, scope: Scope): void {
    this.runBlock(kids(top), scope);
  }

  runBlock(statements: readonly SyntaxNode[], scope: Scope): Signal {
    for (const statement of statements) {
      if (!this.tick(statement)) return null;
      const signal = this.runStatement(statement, scope);
      if (signal) return signal;
    }
    return null;
  }

  private runStatement(node: SyntaxNode, scope: Scope): Signal {
    switch (node.name) {
      case 'ExpressionStatement':
        for (const child of kids(node)) evalExpr(this, child, scope);
        return null;
      case 'AssignStatement':
        this.runAssign(node, scope);
        return null;
      case 'UpdateStatement':
        this.runUpdate(node, scope);
        return null;
      case 'StatementGroup':
        return this.runBlock(
          kids(node).filter((c) => c.name !== ';'),
          scope,
        );
      case 'IfStatement':
        return this.runIf(node, scope);
      case 'ForStatement':
        return this.runFor(node, scope);
      case 'WhileStatement':
        return this.runWhile(node, scope);
      case 'WithStatement':
        return this.runWith(node, scope);
      case 'TryStatement':
        return this.runTry(node, scope);
      case 'FunctionDefinition':
        this.defineFunction(node, scope);
        return null;
      case 'ClassDefinition':
        this.defineClass(node, scope);
        return null;
      case 'DecoratedStatement': {
        const inner = kids(node).find((c) => c.name !== 'Decorator');
        return inner ? this.runStatement(inner, scope) : null;
      }
      case 'ReturnStatement': {
        // `return x, aux` is a tuple.
        const values = kids(node).filter((c) => c.name !== 'return' && c.name !== ',');
        const value =
          values.length > 1
            ? {
                t: 'list' as const,
                items: values.map((v) => evalExpr(this, v, scope)),
                tuple: true,
              }
            : values[0]
              ? evalExpr(this, values[0], scope)
              : NONE;
        return { kind: 'return', value };
      }
      case 'ImportStatement':
        bindImport(this, node, scope);
        return null;
      case 'ScopeStatement':
        // `global ROW_AXIS`: a builder's setup function that assigns the module's names.
        if (node.firstChild?.name === 'global')
          for (const name of kids(node).filter((c) => c.name === 'VariableName'))
            scope.declareGlobal(this.text(name));
        return null;
      case 'BreakStatement':
        return { kind: 'break' };
      case 'ContinueStatement':
        return { kind: 'continue' };
      default:
        return null;
    }
  }

  private runAssign(node: SyntaxNode, scope: Scope): void {
    // `a = b = expr` and `x, y = expr`: segments between `=`, the last one the value.
    const segments: SyntaxNode[][] = [[]];
    let annotated = false;
    for (const child of kids(node)) {
      if (child.name === 'AssignOp') segments.push([]);
      else if (child.name === 'TypeDef') annotated = true;
      else segments[segments.length - 1].push(child);
    }
    if (segments.length < 2) return; // `x: int` alone
    void annotated;
    const valueNodes = segments.pop()!.filter((c) => c.name !== ',');
    const targets = segments.map((s) => s.filter((c) => c.name !== ','));
    const simple = targets.length === 1 && targets[0].length === 1 ? targets[0][0] : null;
    const name = simple && simpleName(this, simple);
    const previous = this.assign;
    this.assign = name && valueNodes.length === 1 ? { name, rhs: valueNodes[0] } : null;
    const value =
      valueNodes.length === 1
        ? evalExpr(this, valueNodes[0], scope)
        : {
            t: 'list' as const,
            items: valueNodes.map((v) => evalExpr(this, v, scope)),
            tuple: true,
          };
    this.assign = previous;
    for (const target of targets) {
      if (target.length === 1) assignTo(this, target[0], value, scope);
      else assignTo(this, target, value, scope);
    }
  }

  private runUpdate(node: SyntaxNode, scope: Scope): void {
    const [target, op, valueNode] = kids(node);
    if (!target || !op || !valueNode) return;
    const current = evalExpr(this, target, scope);
    const value = evalExpr(this, valueNode, scope);
    const operator = this.text(op).slice(0, -1);
    const result =
      current.t === 'num' && value.t === 'num'
        ? arithmetic(operator, current.v, value.v)
        : current.t === 'tensor' || value.t === 'tensor'
          ? tensorArithmetic(this, operator, current, value, node)
          : current.t === 'array'
            ? arrayArithmetic(current, value)
            : current.t === 'list' && value.t === 'list' && operator === '+'
              ? {
                  t: 'list' as const,
                  items: [...current.items, ...value.items],
                  tuple: current.tuple,
                }
              : unknown(this.text(node));
    if (current.t === 'list' && value.t === 'list' && operator === '+') {
      current.items.push(...value.items); // `layers += [...]` mutates the list in place
      return;
    }
    assignTo(this, target, result ?? unknown(this.text(node)), scope);
  }

  private runIf(node: SyntaxNode, scope: Scope): Signal {
    // if COND Body (elif COND Body)* (else Body)?
    const parts = kids(node);
    const arms: { cond: SyntaxNode | null; body: SyntaxNode }[] = [];
    for (let i = 0; i < parts.length; i++) {
      const word = parts[i].name;
      if ((word === 'if' || word === 'elif') && parts[i + 2]?.name === 'Body')
        arms.push({ cond: parts[i + 1], body: parts[i + 2] });
      else if (word === 'else' && parts[i + 1]?.name === 'Body')
        arms.push({ cond: null, body: parts[i + 1] });
    }
    return this.runArms(arms, 0, scope);
  }

  /** Known conditions pick their arm; an unknown one runs both sides, each from the state before. */
  private runArms(
    arms: { cond: SyntaxNode | null; body: SyntaxNode }[],
    at: number,
    scope: Scope,
  ): Signal {
    const arm = arms[at];
    if (!arm) return null;
    if (!arm.cond) return this.runBlock(kids(arm.body), scope);
    const decided = truthy(evalExpr(this, arm.cond, scope));
    if (decided === true) return this.runBlock(kids(arm.body), scope);
    if (decided === false) return this.runArms(arms, at + 1, scope);
    const condition = this.text(arm.cond);
    const bodies = arms.slice(at).map((a) => a.body);
    if (this.path && mayBuild(this, bodies) && !onShapes(this, arm.cond, scope)) {
      return decide(this.path, condition, arms[0].cond?.from ?? 0) === 0
        ? this.runBlock(kids(arm.body), scope)
        : this.runArms(arms, at + 1, scope);
    }
    const before = scope.snapshot();
    this.conds.push({ condition, branch: 'then' });
    const thenSignal = this.runBlock(kids(arm.body), scope);
    const afterThen = scope.snapshot();
    this.conds[this.conds.length - 1] = { condition, branch: 'else' };
    scope.restore(before);
    const elseSignal = this.runArms(arms, at + 1, scope);
    this.conds.pop();
    // What only the then-side set survives; where both set a name, the else-side's value is kept.
    const afterElse = scope.snapshot();
    for (const [name, value] of afterThen) {
      if (
        !afterElse.has(name) ||
        (before.get(name) === afterElse.get(name) && before.get(name) !== value)
      )
        scope.set(name, value);
    }
    if (thenSignal?.kind === 'return' && elseSignal?.kind !== 'return') return null;
    return elseSignal?.kind === 'return' ? elseSignal : null;
  }

  private runFor(node: SyntaxNode, scope: Scope): Signal {
    const parts = kids(node);
    const inAt = parts.findIndex((c) => c.name === 'in');
    const body = parts.find((c) => c.name === 'Body');
    if (inAt < 0 || !body) return null;
    const targets = parts.slice(1, inAt).filter((c) => c.name !== ',');
    const sources = parts.slice(inAt + 1).filter((c) => c.name !== ',' && c.name !== 'Body');
    const iterable: PV =
      sources.length > 1
        ? { t: 'list', items: sources.map((v) => evalExpr(this, v, scope)), tuple: true }
        : evalExpr(this, parts[inAt + 1], scope);
    const items = iterableItems(iterable);
    const bind = (value: PV) =>
      targets.length === 1
        ? assignTo(this, targets[0], value, scope)
        : assignTo(this, targets, value, scope);
    if (!items) {
      // An unknown iterable (a dataset, epochs): the body runs once with an unknown item.
      bind(iterable.t === 'grads' ? iterable : unknown(`item of ${this.text(parts[inAt + 1])}`));
      const signal = this.runBlock(kids(body), scope);
      return signal?.kind === 'return' ? signal : null;
    }
    const count = Math.min(items.length, MAX_ITERATIONS);
    const start = { steps: this.steps, progress: this.progress(), vars: scope.snapshot() };
    // A loop left unfinished in an earlier iteration of an enclosing loop that has recorded nothing
    // since (an episode's step loop inside an episode loop inside the training loop) is cut sooner
    // when it comes again: each level would otherwise multiply the iterations run.
    const allowance = this.loops.some((outer) => outer.quiet > 0 && outer.cut.has(node.from))
      ? REPEATED_QUIET_ITERATIONS
      : QUIET_ITERATIONS;
    const frame: LoopFrame = { quiet: 0, cut: new Set() };
    let lastProgress = start.steps;
    const iterate = (): Signal => {
      for (let i = 0; i < count; i++) {
        // A loop that records nothing for a while (text generation, a data loop) is not followed to
        // its end: the names it changes are unknown after it, as the unfinished iterations leave them.
        // A training loop records its calls in the first iteration and then repeats them: once it has
        // gone quiet for as many steps as a data loop may take, it is one too.
        const idle = this.progress() === start.progress;
        const spent = this.steps - (idle ? start.steps : lastProgress);
        if (
          (idle && (frame.quiet >= allowance || spent > DATA_LOOP_STEPS)) ||
          (!idle && frame.quiet >= allowance && spent > DATA_LOOP_STEPS)
        ) {
          for (const [name, value] of scope.snapshot())
            if (start.vars.get(name) !== value) scope.set(name, unknown(name));
          for (const outer of this.loops) outer.cut.add(node.from);
          break;
        }
        const before = this.progress();
        bind(items[i]);
        this.repeats.push({ iteration: i, count });
        this.loops.push(frame);
        let signal: Signal;
        try {
          signal = this.runBlock(kids(body), scope);
        } finally {
          this.loops.pop();
          this.repeats.pop();
        }
        frame.quiet = this.progress() === before ? frame.quiet + 1 : 0;
        if (frame.quiet === 0) lastProgress = this.steps;
        if (signal?.kind === 'break') break;
        if (signal?.kind === 'return') return signal;
        if (this.stopped !== null) break;
      }
      return null;
    };
    return count > 1 ? keepingKids(iterate) : iterate();
  }

  /** What the IR records so far (graph nodes, models, training calls, clipping): a loop adding none is data. */
  progress(): number {
    // Counted as they are made: summing every model's records here made each loop iteration cost
    // as much as the models built before it (a file of many builders).
    return (
      this.nextId + this.layersMade + this.models.length + this.looseLoops.length + this.records
    );
  }

  private runWhile(node: SyntaxNode, scope: Scope): Signal {
    const [, cond, body] = kids(node);
    if (!cond || body?.name !== 'Body') return null;
    if (truthy(evalExpr(this, cond, scope)) === false) return null;
    const signal = this.runBlock(kids(body), scope);
    return signal?.kind === 'return' ? signal : null;
  }

  private runWith(node: SyntaxNode, scope: Scope): Signal {
    const parts = kids(node);
    for (let i = 1; i < parts.length; i++) {
      if (parts[i].name === 'Body') return this.runBlock(kids(parts[i]), scope);
      if (parts[i].name === ',' || parts[i].name === 'as') continue;
      const value = evalExpr(this, parts[i], scope);
      if (parts[i + 1]?.name === 'as' && parts[i + 2]) {
        assignTo(this, parts[i + 2], value, scope);
        i += 2;
      }
    }
    return null;
  }

  private runTry(node: SyntaxNode, scope: Scope): Signal {
    const parts = kids(node);
    const first = parts.find((c) => c.name === 'Body');
    const signal = first ? this.runBlock(kids(first), scope) : null;
    const fin = parts.findIndex((c) => c.name === 'finally');
    if (fin >= 0 && parts[fin + 1]?.name === 'Body') this.runBlock(kids(parts[fin + 1]), scope);
    return signal;
  }

  /** A `def`: its defaults are evaluated now, as Python does; `bind` puts its name in scope. */
  defineFunction(node: SyntaxNode, scope: Scope, bind = true): Extract<PV, { t: 'func' }> {
    const nameNode = kids(node).find((c) => c.name === 'VariableName');
    const params = kids(node).find((c) => c.name === 'ParamList');
    const defaults = new Map<string, PV>();
    if (params) {
      const list = kids(params);
      for (let i = 0; i < list.length; i++) {
        if (list[i].name === 'AssignOp' && list[i - 1] && list[i + 1]) {
          const nameAt = list[i - 1].name === 'TypeDef' ? i - 2 : i - 1;
          defaults.set(this.text(list[nameAt]), evalExpr(this, list[i + 1], scope));
        }
      }
    }
    const name = nameNode ? this.text(nameNode) : '<function>';
    const fn = { t: 'func' as const, node, scope, name, defaults, module: this.module };
    if (nameNode && bind) scope.set(name, fn);
    return fn;
  }

  private defineClass(node: SyntaxNode, scope: Scope): void {
    const parts = kids(node);
    const nameNode = parts.find((c) => c.name === 'VariableName');
    const bases = parts.find((c) => c.name === 'ArgList');
    const baseNode = bases ? kids(bases).find((c) => c.name !== '(' && c.name !== ')') : undefined;
    const baseValue = baseNode ? evalExpr(this, baseNode, scope) : NONE;
    const base =
      baseValue.t === 'path' ? baseValue.path : baseValue.t === 'class' ? baseValue.base : '';
    const methods = new Map<string, SyntaxNode>();
    const homes = new Map<string, PyModule>();
    if (baseValue.t === 'class') {
      for (const [k, v] of baseValue.methods) {
        methods.set(k, v);
        homes.set(k, baseValue.homes?.get(k) ?? baseValue.module ?? this.main);
      }
    }
    const body = parts.find((c) => c.name === 'Body');
    for (const child of body ? kids(body) : []) {
      const def =
        child.name === 'DecoratedStatement'
          ? kids(child).find((c) => c.name === 'FunctionDefinition')
          : child;
      if (def?.name !== 'FunctionDefinition') continue;
      const methodName = kids(def).find((c) => c.name === 'VariableName');
      if (methodName) {
        methods.set(this.text(methodName), def);
        homes.set(this.text(methodName), this.module);
      }
    }
    if (!nameNode) return;
    const fields = this.dataclassFields(node, body, baseValue, scope);
    const attrs = this.classAttributes(body, baseValue, scope);
    scope.set(this.text(nameNode), {
      ...(fields ? { fields } : {}),
      ...(attrs.size > 0 ? { attrs } : {}),
      t: 'class',
      node,
      name: this.text(nameNode),
      base,
      methods,
      scope,
      module: this.module,
      homes,
    });
  }

  /** The body's plain `name = value` (or `name: T = value`) statements, over its base's. */
  private classAttributes(body: SyntaxNode | undefined, base: PV, scope: Scope): Map<string, PV> {
    const attrs = new Map(base.t === 'class' ? base.attrs : undefined);
    for (const statement of body ? kids(body) : []) {
      const parts = kids(statement);
      if (statement.name !== 'AssignStatement' || parts[0]?.name !== 'VariableName') continue;
      const valueAt = parts.findIndex((c) => c.name === 'AssignOp') + 1;
      // One target only: `a = b = 1` and tuple targets are left unknown.
      if (valueAt < 1 || valueAt !== parts.length - 1) continue;
      attrs.set(this.text(parts[0]), evalExpr(this, parts[valueAt], scope));
    }
    return attrs;
  }

  /** A `@dataclass` (or a subclass of one): its annotated class attributes after its base's, in order. */
  private dataclassFields(
    node: SyntaxNode,
    body: SyntaxNode | undefined,
    base: PV,
    scope: Scope,
  ): { name: string; value: PV | null }[] | null {
    const inherited = base.t === 'class' ? base.fields : undefined;
    const decorated =
      node.parent?.name === 'DecoratedStatement' &&
      /^@(?:dataclasses\.)?dataclass\b/m.test(
        this.text(node.parent).slice(0, node.from - node.parent.from),
      );
    if (!decorated && !inherited) return null;
    const fields = [...(inherited ?? [])];
    for (const statement of body ? kids(body) : []) {
      const parts = kids(statement);
      if (statement.name !== 'AssignStatement' || parts[1]?.name !== 'TypeDef') continue;
      if (parts[0]?.name !== 'VariableName') continue;
      const name = this.text(parts[0]);
      const valueNode = parts[2]?.name === 'AssignOp' ? parts[3] : undefined;
      const value = valueNode ? evalExpr(this, valueNode, scope) : null;
      const at = fields.findIndex((f) => f.name === name);
      if (at >= 0) fields[at] = { name, value };
      else fields.push({ name, value });
    }
    return fields;
  }

  /** Runs a function of the file with the call's arguments bound; its value, or unknown at the limits. */
  callFunction(fn: Extract<PV, { t: 'func' }>, args: CallArgs, callText: string): PV {
    if (this.depth >= MAX_DEPTH || this.stopped !== null) return unknown(callText);
    if (!fn.module || fn.module === this.main) this.called.add(fn.node.from);
    return this.inModule(fn.module, () => this.runFunction(fn, args, callText));
  }

  private runFunction(fn: Extract<PV, { t: 'func' }>, args: CallArgs, callText: string): PV {
    const scope = new Scope(fn.scope);
    bindParams(this, fn, args, scope);
    if (fn.node.name === 'LambdaExpression') {
      const expression = fn.node.lastChild;
      if (!expression || expression.name === ':') return unknown(callText);
      this.depth++;
      try {
        return evalExpr(this, expression, scope);
      } finally {
        this.depth--;
      }
    }
    const body = kids(fn.node).find((c) => c.name === 'Body');
    if (!body) return unknown(callText);
    this.depth++;
    this.builders.push({ name: fn.name, span: this.span(fn.node) });
    const saved = this.assign;
    this.assign = null;
    try {
      const signal = this.runBlock(kids(body), scope);
      return signal?.kind === 'return' ? signal.value : NONE;
    } finally {
      this.assign = saved;
      this.builders.pop();
      this.depth--;
    }
  }
}

/**
 * A condition on tensor shapes (`x.shape[-1] != filters`, or a name set from one): Keras decides it
 * per block from shapes the evaluator does not track, so one option per path would be wrong for
 * some blocks. Such branches run both ways, their layers marked conditional.
 */
/** `x.shape`, `K.int_shape(x)`, `tf.shape(x)`: what tensor shapes are read through. */
const SHAPE = /(?:\b|_)shape\b/;

function onShapes(ip: PyInterp, cond: SyntaxNode, scope: Scope): boolean {
  const text = ip.text(cond);
  if (SHAPE.test(text)) return true;
  for (const name of text.match(/[A-Za-z_]\w*/g) ?? []) {
    const value = scope.get(name);
    if (value?.t === 'tensor' || (value?.t === 'unknown' && SHAPE.test(value.text))) return true;
  }
  return false;
}

export interface CallArgs {
  positional: PV[];
  keywords: Map<string, PV>;
  /** The keywords with their spans; absent for a call the code never makes (a speculative run). */
  entries?: Map<string, DictEntry>;
  /** A `*args`/`**kwargs` spread of unknown values: what the call passes is not all known. */
  open?: boolean;
}

function simpleName(ip: PyInterp, node: SyntaxNode): string | null {
  if (node.name === 'VariableName') return ip.text(node);
  if (node.name === 'MemberExpression' && node.lastChild?.name === 'PropertyName')
    return ip.text(node);
  return null;
}

export function iterableItems(value: PV): PV[] | null {
  if (value.t === 'list') return value.items;
  if (value.t === 'str') return [...value.v].map((v) => ({ t: 'str', v }));
  if (value.t === 'dict') return [...value.entries.keys()].map((v) => ({ t: 'str', v }));
  return null;
}

export function arithmetic(op: string, a: number, b: number): PV | null {
  const result =
    op === '+'
      ? a + b
      : op === '-'
        ? a - b
        : op === '*'
          ? a * b
          : op === '/'
            ? a / b
            : op === '//'
              ? Math.floor(a / b)
              : op === '%'
                ? a - b * Math.floor(a / b)
                : op === '**'
                  ? a ** b
                  : null;
  return result === null || !Number.isFinite(result) ? null : { t: 'num', v: result };
}
