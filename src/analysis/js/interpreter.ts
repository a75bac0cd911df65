/**
 * A small abstract interpreter over the ESTree: it runs the file's top level (and the functions it calls)
 * with abstract values, so loops, helpers, variables and spreads resolve the way the code would run them.
 * What it cannot decide becomes `unknown` (with the expression's text) or a `conditional` mark.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ClippingKind, CustomLoopCall, Span } from '../ir';
import type { FileClipping } from './training';
import { execBlock } from './statements';
import {
  callSitesByName,
  callersFirst,
  countedPaths,
  relevantFunctions,
  tfjsWorkTest,
} from './uncalled';
import { evaluate } from './expressions';
import { constructorOf, extendsTfModel, instantiate } from './calls';
import { noteForward } from './custom-loops';
import {
  argumentOrDefault,
  argumentsText,
  asParameter,
  bindsUnknown,
  joinReturns,
  paramText,
} from './call-values';
import { bindPattern } from './patterns';
import { setSpanFile, spanOf } from './spans';
import { explore, type PathRun, textBuilds } from './paths';
import type { Linker, ModuleHome } from './linker';
import {
  type AV,
  type FunctionNode,
  type LayerRec,
  type ModelRec,
  type OptimizerRec,
  Scope,
  UNDEFINED,
  openTails,
  unknown,
} from './values';

export type Completion =
  | undefined
  | { type: 'return'; value: AV }
  | { type: 'throw' }
  | { type: 'break' | 'continue'; label: string | null };

/** Iterations beyond this are not expanded (a data loop, not a layer loop). */
export const MAX_LOOP_ITERATIONS = 512;
/**
 * Evaluation steps: a safety net against pathological inputs, far above real model files. The top level
 * and each uncalled function get their own allowance, so one runaway computation does not hide the rest.
 */
const PROGRAM_STEPS = 1_000_000;
const FUNCTION_STEPS = 200_000;
const TOTAL_STEPS = 3_000_000;
const MAX_CALL_DEPTH = 24;
const LINKED_MODULE_STEPS = 50_000;

export interface LoopFrame {
  layers: LayerRec[];
  iteration: number;
  /** Variables assigned while the loop ran (by name, with the scope that owns them). */
  assigned: Map<string, Scope>;
  /** Iterations in a row, up to the current one, that recorded nothing (statements.ts loop). */
  quiet: number;
  /** Loops inside this one that were left unfinished while it ran (statements.ts loop). */
  cut: Set<TSESTree.Node>;
}

export class BudgetExceeded extends Error {}

/** Text that may count a value up or down: a cheap test before walking a function's body. */
const COUNTING = /\+\+|--|[+-]=/;

export class Interp {
  steps = 0;
  private limit = 0;
  /** Where evaluation stopped early (budget), for the result's problems. */
  readonly stopped: { where: string; line: number }[] = [];
  /** Roots with more paths than MAX_PATHS: only the first ones were followed. */
  readonly tooManyPaths: { where: string; line: number }[] = [];
  private readonly builderNames = new Set<string>();
  private readonly unchecked: Extract<AV, { t: 'fn' }>[] = [];
  private builderPattern: RegExp | null = null;

  /** Calls of the file's functions that build models or layers (`buildModel(`, `this.addBlock(`). */
  builders(): RegExp | null {
    if (this.unchecked.length === 0) return this.builderPattern;
    const before = this.builderNames.size;
    for (const fn of this.unchecked.splice(0)) {
      const name = fn.name.slice(fn.name.lastIndexOf('.') + 1);
      // A function's text is in its own file's source, whichever file is running now.
      const source = fn.home?.source ?? this.ownSource;
      const textIn = (node: TSESTree.Node) => source.slice(node.range[0], node.range[1]);
      if (/^[\w$]+$/.test(name) && !this.builderNames.has(name) && textBuilds(fn.node, textIn))
        this.builderNames.add(name);
    }
    if (this.builderNames.size !== before) {
      const names = [...this.builderNames].map((n) => n.replace(/\$/g, '\\$'));
      this.builderPattern = new RegExp(`\\b(?:${names.join('|')})\\s*\\(`);
    }
    return this.builderPattern;
  }

  /** The path the current root's run follows (see paths.ts); null outside a root. */
  path: PathRun | null = null;
  /**
   * Arrays made before the root being explored, as they were when the root first changed them: each
   * path of the root starts from them again (a module-level list one path pushes to is not what the
   * next path sees). See paths.ts explore.
   */
  rootArrays: { epoch: number; saved: Map<AV[], { items: AV[]; open?: number }> } | null = null;
  /** How many roots explore has started; arrays remember the one they were made in (arrayEpochs). */
  epoch = 0;
  readonly arrayEpochs = new WeakMap<AV[], number>();

  /** An array is about to change in place: one made before the current root is saved first. */
  noteArrayChange(items: AV[]): void {
    const root = this.rootArrays;
    if (!root || root.saved.has(items)) return;
    const born = this.arrayEpochs.get(items);
    if (born !== undefined && born < root.epoch)
      root.saved.set(items, { items: items.slice(), open: openTails.get(items) });
  }
  /** Set once anything called into tfjs (through an import, a global `tf`, or a `tf` parameter). */
  tfCalled = false;
  /** Open `try` blocks: a throw inside one does not end the path. */
  tryDepth = 0;
  private depth = 0;
  private readonly active = new Set<FunctionNode>();
  readonly conditions: { condition: string; branch: string }[] = [];
  /** The conditions open when the latest model was created (the same objects, see decisions.ts). */
  lastModelUnder: readonly { condition: string; branch: string }[] = [];
  readonly loops: LoopFrame[] = [];
  /** Counts undecidable branches that ended in break/continue/return (see statements.ts noteExit). */
  possibleExits = 0;
  /** Per call: values returned inside undecidable branches, joined with the final result. */
  private readonly branchReturns: AV[][] = [];

  noteBranchReturn(value: AV): void {
    this.branchReturns[this.branchReturns.length - 1]?.push(value);
  }
  readonly executed = new Set<FunctionNode>();
  readonly closures = new Map<FunctionNode, Extract<AV, { t: 'fn' }>>();
  readonly models: ModelRec[] = [];
  /** Functions that returned a forward pass of layers they applied (see noteForward). */
  readonly forwards = new Map<FunctionNode, import('./custom-loops').Forward>();
  /** The models a custom loop trains through such a function, per function. */
  readonly forwardModels = new Map<FunctionNode, ModelRec[]>();
  readonly optimizers: OptimizerRec[] = [];
  /** Custom-loop calls whose model could not be told from the code around them. */
  readonly looseLoops: CustomLoopCall[] = [];
  /** Clip calls and unattributed `applyGradients` replacements seen while evaluating. */
  readonly clipping: FileClipping = { calls: [], overrides: [], loopOverrides: new Map() };
  private readonly clipSeen = new Set<number>();
  /** The function each custom-loop call ran in (by span start), to place loose calls next to their peers. */
  readonly loopFrames = new Map<number, FunctionNode | null>();
  /** Set while evaluating `const NAME = <init>`: a model or layer created by exactly that init takes the name. */
  nameHint: { node: TSESTree.Node; name: string } | null = null;
  private nextId = 0;
  /** The uncalled function being run with unknown parameters, if any. */
  private speculative: FunctionNode | null = null;
  /** Set while a model class runs with its constructor's parameters unknown (constructModelClasses). */
  guessingClass = false;
  /** The call stack; `guessing` frames run with parameters the file never supplied. */
  private readonly frames: { node: FunctionNode; guessing: boolean }[] = [];
  private sites: Map<string, number[]> | undefined;
  /** Classes constructed at least once (`new X(...)`, or run by runUncalled). */
  readonly instantiated = new Set<TSESTree.Node>();
  /** Classes being constructed, innermost last: what `super(...)` calls. */
  readonly superFrames: import('./calls').SuperFrame[] = [];
  /** Properties an app puts tfjs under on every `this` (`Vue.prototype.$tf = tf`). */
  instanceTf: ReadonlySet<string> = new Set();
  /** Properties set on the global object (`self.model = ...` in a worker, `window.x = ...`). */
  readonly globals = new Map<string, AV>();
  /** Cross-file imports (workspace analysis only). */
  linker: Linker | null = null;
  /** The other workspace file whose code is running; null while the analyzed file's own code runs. */
  home: ModuleHome | null = null;
  /** The analyzed file's text; `source` follows the code that runs (another file's, inside `inHome`). */
  readonly ownSource: string;

  constructor(public source: string) {
    this.ownSource = source;
  }

  /** Runs code of another workspace file: texts and spans then refer to that file. */
  inHome<T>(home: ModuleHome | null | undefined, run: () => T): T {
    const target = home ?? null;
    if (target === this.home) return run();
    const previous = this.home;
    this.enterHome(target);
    try {
      return run();
    } finally {
      this.enterHome(previous);
    }
  }

  private enterHome(home: ModuleHome | null): void {
    this.home = home;
    this.source = home ? home.source : this.ownSource;
    setSpanFile(home ? home.file : undefined);
  }

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
    if (++this.steps > this.limit) throw new BudgetExceeded('evaluation budget exceeded');
  }

  noteClipping(kind: ClippingKind | 'override', node: TSESTree.Node): void {
    if (this.clipSeen.has(node.range[0])) return;
    this.progress++;
    this.clipSeen.add(node.range[0]);
    if (kind === 'override') this.clipping.overrides.push(spanOf(node));
    else this.clipping.calls.push({ kind, span: spanOf(node) });
  }

  /** Counts what the IR records (layers, models, training calls, clipping): a loop that adds none is data. */
  progress = 0;

  /** Records a freshly created layer with the loop/branch it was created in. */

  noteLayer(layer: LayerRec): void {
    this.progress++;
    const loop = this.loops[this.loops.length - 1];
    if (loop) {
      layer.repeat = { iteration: loop.iteration, count: -1, depth: this.loops.length };
      loop.layers.push(layer);
    }
    const condition = this.conditions[this.conditions.length - 1];
    if (condition) {
      layer.conditional = { ...condition };
      layer.condIndex = this.conditions.length - 1;
    }
  }

  /** The current path builds nothing real from here on (it throws, or adds `undefined` as a layer). */
  endPath(): void {
    if (
      this.path &&
      this.path.log.length > 0 &&
      this.conditions.length === 0 &&
      this.tryDepth === 0
    )
      this.path.dead = true;
  }

  runProgram(program: TSESTree.Program, scope: Scope): void {
    this.limit = PROGRAM_STEPS;
    try {
      explore(
        this,
        () => this.execBlock(program.body, scope),
        scope,
        UNDEFINED,
        'the top level',
        1,
      );
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      this.stopped.push({ where: 'the top level', line: 1 });
    }
  }

  /**
   * Runs another workspace file's top level (an import) with a small allowance of its own: what
   * other files need from it is its constants and functions, not its data loading. Names it had no
   * time to define stay unknown; its own analysis reports on it.
   */
  runModule(program: TSESTree.Program, scope: Scope): void {
    const saved = this.limit;
    this.limit = this.steps + LINKED_MODULE_STEPS;
    try {
      this.execBlock(program.body, scope);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
    } finally {
      this.limit = saved;
    }
  }

  /** Runs functions the file defines but never called, with unknown parameters (exported builders, callbacks). */
  runUncalled(root: Scope, home: ModuleHome | null = null, imported: string[] = []): void {
    if (home !== this.home) {
      this.inHome(home, () => this.runUncalled(root, home, imported));
      return;
    }
    const sites = home
      ? callSitesByName(this.source)
      : (this.sites ??= callSitesByName(this.source));
    // A function that calls into another workspace file (`createModel`) is worth running too.
    const tfNames = [...root.vars].filter(([, v]) => v.t === 'tf').map(([name]) => name);
    tfNames.push(...imported);
    if (!root.vars.has('tf')) tfNames.push('tf');
    const touches = tfjsWorkTest(tfNames);
    this.constructModelClasses(root);
    this.openCounts(root, home);
    for (let round = 0; round < 3; round++) {
      const own = [...this.closures.values()].filter((fn) => (fn.home ?? null) === home);
      const waiting = own.filter((fn) => !this.executed.has(fn.node));
      // Relevance spreads from constructors that already ran too: `new Net(...)` of a model class.
      const seeds = own.filter(
        (fn) => !this.executed.has(fn.node) || fn.name.endsWith('.constructor'),
      );
      const relevant = relevantFunctions(this.source, seeds, sites, touches).filter(
        (fn) => !this.executed.has(fn.node),
      );
      if (relevant.length === 0) return;
      // A constructor sets the fields (`this.units = units`) that the relevant methods read: it runs first.
      const owners = new Set(relevant.map((fn) => fn.self).filter((self) => self !== undefined));
      const constructors = waiting.filter(
        (fn) => fn.name.endsWith('.constructor') && fn.self && owners.has(fn.self),
      );
      const pending = [...constructors, ...relevant.filter((fn) => !constructors.includes(fn))];
      for (const fn of [
        ...constructors,
        ...callersFirst(sites, pending.slice(constructors.length)),
      ]) {
        if (this.executed.has(fn.node)) continue;
        // A parameter with a default takes it (no call site says otherwise); others stay unknown.
        const args = fn.node.params.map((p) =>
          p.type === 'AssignmentPattern' ? UNDEFINED : unknown(paramText(this, p), 'parameter'),
        );
        if (this.steps >= TOTAL_STEPS) {
          this.stopped.push({ where: 'the remaining functions', line: fn.node.loc.start.line });
          return;
        }
        this.speculative = args.some((a) => a.t === 'unknown') ? fn.node : null;
        this.limit = Math.min(this.steps + FUNCTION_STEPS, TOTAL_STEPS);
        const before = home ? new Set(this.executed) : null;
        try {
          const self = fn.self ?? UNDEFINED;
          const line = fn.node.loc.start.line;
          explore(this, () => this.callFunction(fn, args, self), null, self, fn.name, line);
        } catch (error) {
          if (!(error instanceof BudgetExceeded)) throw error;
          this.stopped.push({ where: fn.name, line: fn.node.loc.start.line });
          if (before) this.forgetCutRuns(before, home);
        } finally {
          this.speculative = null;
        }
      }
    }
  }

  /**
   * A number at the top level that an uncalled function counts up or down (`settings.hidden++` in
   * an "add layer" handler) is open when the uncalled functions run: the page may have called the
   * handler any number of times before a builder reads it. Names a function declares itself are
   * not the top level's.
   */
  private openCounts(root: Scope, home: ModuleHome | null): void {
    // Only a body with `++`, `--`, `+=` or `-=` in its text is walked (this runs per analysis).
    const uncalled = [...this.closures.values()].filter(
      (fn) =>
        (fn.home ?? null) === home &&
        !this.executed.has(fn.node) &&
        COUNTING.test(this.text(fn.node)),
    );
    for (const path of countedPaths(uncalled)) {
      const [name, ...keys] = path;
      if (name === 'this' || !root.vars.has(name)) continue;
      let holder: AV | undefined = root.vars.get(name);
      if (keys.length === 0) {
        if (holder?.t === 'prim' && typeof holder.v === 'number')
          root.vars.set(name, unknown(name, 'counted by a handler'));
        continue;
      }
      for (const key of keys.slice(0, -1))
        holder = holder?.t === 'object' ? holder.props.get(key)?.value : undefined;
      const last = keys[keys.length - 1];
      const prop = holder?.t === 'object' ? holder.props.get(last) : undefined;
      if (prop && prop.value.t === 'prim' && typeof prop.value.v === 'number')
        prop.value = unknown(path.join('.'), 'counted by a handler');
    }
  }

  /**
   * An importer's function stopped by its budget may have met only the first paths of the analyzed
   * file's builders it called (`getModel(env)` inside a long loop): those builders run again on
   * their own, with unknown parameters, so all their paths are seen.
   */
  private forgetCutRuns(before: Set<FunctionNode>, home: ModuleHome | null): void {
    for (const node of this.executed) {
      if (before.has(node)) continue;
      const fn = this.closures.get(node);
      if (fn && (fn.home ?? null) !== home) this.executed.delete(node);
    }
  }

  /**
   * A model class the file defines but never constructs (`export class Net extends tf.Sequential`)
   * is built once with its constructor's parameters unknown, like an uncalled builder.
   */
  private constructModelClasses(root: Scope): void {
    for (const value of root.vars.values()) {
      if (value.t !== 'class' || this.instantiated.has(value.node)) continue;
      const base = value.node.superClass;
      // An imported class is built in the file that defines it.
      if (!base || value.home !== undefined) continue;
      // An abstract base is never built itself: its subclasses are (their own model each).
      if ('abstract' in value.node && value.node.abstract) continue;
      if (!/\b(?:Sequential|LayersModel)\b/.test(this.text(base)) && !extendsTfModel(this, value))
        continue;
      // A subclass without its own constructor takes its base's parameters.
      const ctor = constructorOf(this, value);
      const params = ctor?.params ?? [];
      const args = params.map((p) =>
        p.type === 'AssignmentPattern' ? UNDEFINED : unknown(paramText(this, p), 'parameter'),
      );
      this.limit = Math.min(this.steps + FUNCTION_STEPS, TOTAL_STEPS);
      const line = value.node.loc.start.line;
      // A guess: a builder the file calls with real arguments (`new Net(4, [16, 2])`) replaces it.
      if (ctor && args.some((a) => a.t === 'unknown')) this.speculative = ctor;
      this.guessingClass = true;
      try {
        explore(this, () => instantiate(this, value, args), null, UNDEFINED, value.name, line);
      } catch (error) {
        if (!(error instanceof BudgetExceeded)) throw error;
        this.stopped.push({ where: value.name, line });
      } finally {
        this.speculative = null;
        this.guessingClass = false;
      }
    }
  }

  callFunction(fn: Extract<AV, { t: 'fn' }>, args: AV[], self: AV): AV {
    if ((fn.home ?? null) !== this.home) {
      const result = this.inHome(fn.home, () => this.callFunction(fn, args, self));
      // A builder called from another file: that call's arguments tell its models apart.
      if (result.t === 'model' && result.model.builderSpan)
        result.model.crossFileArgs ??= argumentsText(args);
      return result;
    }
    this.executed.add(fn.node);
    // Model code does not recurse; following recursion only multiplies work.
    if (this.depth >= MAX_CALL_DEPTH || this.active.has(fn.node))
      return unknown(`${fn.name}(…)`, 'recursion');
    this.active.add(fn.node);
    const caller = this.frames[this.frames.length - 1];
    const guessing =
      (this.speculative === fn.node && !caller) ||
      (caller?.guessing === true && bindsUnknown(fn.node.params, args));
    this.frames.push({ node: fn.node, guessing });
    const scope = new Scope(fn.scope, this.conditions.length);
    scope.isFunction = true;
    // A plain function run without a receiver (a builder nobody calls, an ES5 constructor) gets
    // an object for `this`, so `this.model = tf.sequential(); this.model.add(...)` is followed.
    if (fn.node.type !== 'ArrowFunctionExpression')
      scope.vars.set(
        'this',
        self.t === 'prim' && self.v === undefined
          ? { t: 'object', props: new Map(), opaque: true }
          : self,
      );
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
        const arg = argumentOrDefault(this, fn.node, param, args[i] ?? UNDEFINED);
        bindPattern(this, param, asParameter(param, arg), scope, true);
      }
    });
    this.depth++;
    // A return inside the callee's undecidable branch does not end the caller's loop.
    const exitsBefore = this.possibleExits;
    this.branchReturns.push([]);
    try {
      const body = fn.node.body;
      if (!body) return UNDEFINED;
      let result: AV;
      if (body.type !== 'BlockStatement') result = evaluate(this, body, scope);
      else {
        const completion = this.execBlock(body.body, scope);
        result = completion?.type === 'return' ? completion.value : UNDEFINED;
      }
      const early = this.branchReturns[this.branchReturns.length - 1];
      if (early.length > 0) result = joinReturns(early, result, fn.name);
      if (result.t === 'model') this.claimModel(result.model, fn, args);
      else if (result.t === 'tensor' || result.t === 'array' || result.t === 'object')
        noteForward(this, fn, result);
      return result;
    } finally {
      this.depth--;
      this.possibleExits = exitsBefore;
      this.branchReturns.pop();
      this.active.delete(fn.node);
      this.frames.pop();
    }
  }

  /** A model returned by the function that created it is known by the function's name. */
  private claimModel(model: ModelRec, fn: Extract<AV, { t: 'fn' }>, args: AV[]): void {
    const span = spanOf(fn.node);
    if (model.anchor.start < span.start || model.anchor.end > span.end || model.builderSpan) return;
    if (fn.name && fn.name !== '<anonymous>') model.name = fn.name;
    model.builderSpan = span;
    // What it was called with tells two builds of one builder apart (`dropoutRate = 0.25`).
    model.builderArgs = fn.node.params.map((param, i) => ({
      name: paramText(this, param),
      text: args[i] === undefined ? 'undefined' : argumentsText([args[i]]),
    }));
  }

  makeFunction(
    node: FunctionNode,
    scope: Scope,
    name: string,
    self?: AV,
  ): Extract<AV, { t: 'fn' }> {
    const fn: Extract<AV, { t: 'fn' }> = { t: 'fn', node, scope, name, ...(self ? { self } : {}) };
    if (!this.closures.has(node)) this.unchecked.push(fn);
    if (this.home) fn.home = this.home;
    // The latest closure wins: a method seen through `new C()` runs later with that instance as `this`.
    this.closures.set(node, fn);
    return fn;
  }

  execBlock(body: TSESTree.Statement[] | TSESTree.ProgramStatement[], scope: Scope): Completion {
    return execBlock(this, body, scope);
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
}

export type { Span };
