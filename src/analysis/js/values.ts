/**
 * The abstract values the extractor's evaluator computes. Internal to src/analysis: the IR (ir.ts)
 * is what leaves this folder.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ModuleHome } from './linker';
import type { CustomLoopCall, LayerConfig, OptimizerInfo, Span, TrainingCall } from '../ir';

export type FunctionNode =
  TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

export interface PropAV {
  value: AV;
  span: Span | null;
  valueSpan: Span | null;
}

export type AV =
  /** `origin` is where the value was written (a literal or the expression computing it). */
  | { t: 'prim'; v: number | string | boolean | null | undefined; origin?: Span }
  | { t: 'array'; items: AV[] }
  /**
   * `opaque` when part of it came from a spread that could not be resolved; `tfRest`: a module's
   * namespace that re-exports all of tfjs (`export * from '@tensorflow/tfjs'`), so the names it lacks are tfjs's.
   */
  | { t: 'object'; props: Map<string, PropAV>; opaque?: boolean; tfRest?: true }
  /** `home`: the other workspace file that defines it (absent: the analyzed file). */
  | { t: 'fn'; node: FunctionNode; scope: Scope; name: string; self?: AV; home?: ModuleHome }
  | {
      t: 'class';
      node: TSESTree.ClassDeclaration | TSESTree.ClassExpression;
      scope: Scope;
      name: string;
      home?: ModuleHome;
    }
  /** A member of the tfjs namespace: "" is the namespace itself, "layers.dense" a factory. */
  | { t: 'tf'; path: string }
  /** The result of a tfjs call we keep as data (initializers, regularizers, constraints). */
  | { t: 'tfcall'; path: string; args: AV[]; text: string }
  /** `alternatives`: layers an undecidable condition may pick instead (added as conditional variants). */
  | { t: 'layer'; layer: LayerRec; alternatives?: LayerRec[] }
  | { t: 'tensor'; node: TensorNode }
  /** `alternatives`: other models the same variable may hold after an undecidable branch. */
  | { t: 'model'; model: ModelRec; alternatives?: ModelRec[] }
  | { t: 'optimizer'; opt: OptimizerRec }
  /** A loaded model (`await tf.loadLayersModel(url)`); `tensors` caches its inputs/outputs by role. */
  | { t: 'base'; rec: BaseRec; tensors: Map<string, TensorNode> }
  /** A built-in function (Math.max, Array.prototype.map bound to an array, model.add bound to a model). */
  | { t: 'builtin'; name: string; self?: AV }
  /** `feeds`: the tensors it was computed from (`new Attention().apply([x, mask])`). */
  | {
      t: 'unknown';
      text: string;
      reason?: string;
      feeds?: TensorNode[];
      atLeast?: number;
      /** `text ? JSON.parse(text) : undefined`: undefined on some paths (a parameter's default then applies). */
      orUndefined?: true;
    };

/**
 * Lists that grew on some paths only: the index from which their items were added inside an
 * undecidable branch or a loop of unknown length (`for (...) sizes.push(h)`). Their length is open
 * (at least that index), and a loop over them repeats what it does for those items conditionally.
 */
export const openTails = new WeakMap<AV[], number>();
/** How many undecidable conditions were open when a list literal was made (see openTails). */
export const listDepths = new WeakMap<AV[], number>();

export interface LayerRec {
  id: number;
  factory: string;
  config: LayerConfig;
  callSpan: Span;
  inner?: LayerRec;
  /** `depth`: how many loops were open when it was created (the innermost one repeats it). */
  repeat?: { iteration: number; count: number; depth: number };
  conditional?: { condition: string; branch: string };
  /** Depth of the condition that made it conditional: a caller's conditions are not the model's. */
  condIndex?: number;
  variable?: string;
  /** factory `loadedModel`: the loaded base model it stands for, and the layer a submodel cuts it at. */
  base?: BaseRec;
  truncatedAt?: string;
}

/** `tf.loadLayersModel(url)` / `tf.loadGraphModel(url)`: a model whose layers come from a file. */
export interface BaseRec {
  id: number;
  loader: 'loadLayersModel' | 'loadGraphModel';
  url: AV;
  span: Span;
}

export type TensorNode =
  | {
      id: number;
      kind: 'input';
      shape: AV;
      dtype?: string;
      span: Span;
      variable?: string;
      /** An end of a loaded base model (`base.inputs`, `base.getLayer(NAME).output`). */
      base?: { rec: BaseRec; role: 'input' | 'output'; truncatedAt?: string };
    }
  | { id: number; kind: 'apply'; layer: LayerRec; inputs: TensorNode[]; span: Span }
  /**
   * A tensor of unknown origin fed into a layer (e.g. `model.apply(x)` of a nested model). `inputs`:
   * the tensors it was computed from (`new Attention().apply([x, mask])`), so what feeds it stays
   * in the graph.
   */
  | { id: number; kind: 'opaque'; text: string; span: Span; inputs?: TensorNode[] };

export interface OptimizerRec {
  info: OptimizerInfo;
  /** Where `applyGradients` was replaced on this optimizer (gradient clipping inside fit). */
  overrides: Span[];
  models: Set<ModelRec>;
}

export interface ModelRec {
  id: number;
  kind: 'sequential' | 'functional';
  name: string;
  anchor: Span;
  /** The builder function, when the model was returned from one. */
  builderSpan?: Span;
  lastSpan: Span;
  layers: LayerRec[];
  inputs: AV;
  outputs: AV;
  compile?: { span: Span; argsText: string; loss?: import('../ir').LossInfo };
  optimizer?: OptimizerRec;
  fitCalls: TrainingCall[];
  customLoops: CustomLoopCall[];
  /** Built while running an uncalled function with unknown parameters (see Interp.inSpeculativeFrame). */
  speculative: boolean;
  /** Built by a model class run alone with unknown constructor parameters: any other build replaces it. */
  classGuess?: true;
  /** Things added to the model that are not tfjs layers we can read (custom layers, nested models). */
  unresolved: string[];
  /** The run (path) that built it; its decisions name the variant. */
  run?: import('./paths').PathRun;
  /** Undecidable conditions already open when it was created: they belong to the caller, not to it. */
  conditionDepth: number;
  /** The builder's parameters and what this build's call gave them, as text. */
  builderArgs?: { name: string; text: string }[];
  /** Undecidable branches it was created in (no path was being followed): they tell builds apart. */
  createdUnder?: { condition: string; branch: string }[];
  /** Loops already open when it was created: they build more models, not more layers. */
  loopDepth: number;
  /** Fields and methods of a model that is a class instance (`class Net extends tf.Sequential`). */
  fields?: Map<string, PropAV>;
  /** Set when another workspace file called the builder: the arguments of that call, as text. */
  crossFileArgs?: string;
}

export class Scope {
  readonly vars = new Map<string, AV>();
  constructor(
    readonly parent: Scope | null,
    /** How many undecidable branches enclosed this scope when it was created. */
    readonly conditionDepth: number,
  ) {}

  lookup(name: string): AV | undefined {
    // A loop, not a recursion: every identifier read walks the scope chain.
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let scope = this.parent; scope; scope = scope.parent) {
      const value = scope.vars.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  owner(name: string): Scope | null {
    return this.vars.has(name) ? this : (this.parent?.owner(name) ?? null);
  }

  /** A function body's own scope: where its `var` declarations live. */
  isFunction = false;

  /**
   * The scope a `var name` redeclared in a block (`var h = layer.apply(h)` in a loop) binds: the
   * same function's earlier binding of it, if any (`var` is function-scoped, not block-scoped).
   */
  varOwner(name: string): Scope | null {
    if (this.vars.has(name)) return this;
    return this.isFunction ? null : (this.parent?.varOwner(name) ?? null);
  }
}

export const UNDEFINED: AV = { t: 'prim', v: undefined };

export function unknown(text: string, reason?: string): AV {
  return reason ? { t: 'unknown', text, reason } : { t: 'unknown', text };
}

export function prim(v: number | string | boolean | null | undefined, origin?: Span): AV {
  return origin ? { t: 'prim', v, origin } : { t: 'prim', v };
}

/** JS truthiness when decidable; null when the value is unknown. */
export function truthy(value: AV): boolean | null {
  switch (value.t) {
    case 'prim':
      return Boolean(value.v);
    case 'unknown':
      return null;
    default:
      return true;
  }
}
