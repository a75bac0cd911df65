/**
 * Imports between workspace files, for one analysis. The analyzed file's relative imports and
 * requires run the imported files' top levels (each once, in its own scope) and bind what they
 * export; then the files that import the analyzed one run too, so a builder called from another
 * file gets that call's arguments and the training done there. Which file a specifier names, and
 * its parse, come from the workspace (ModuleHost): this file never touches a file system.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { bindImports, tfjsModuleSpecifier } from './bindings';
import type { Interp } from './interpreter';
import { BUILDS, explore } from './paths';
import { type AV, type PropAV, Scope, UNDEFINED, unknown } from './values';

/** What analyze() needs from a workspace to follow imports. */
export interface ModuleHost {
  /** The file a relative specifier names, or null when it is missing or not to be read. */
  resolve(specifier: string, fromFile: string): string | null;
  /** The file's text and parse (null program: it does not parse). */
  load(file: string): LoadedModule | null;
  /** Files whose code imports `file` (directly or through re-exports), nearest first. */
  importers(file: string): string[];
  /** The file a bare name is imported from by the framework (Nuxt's auto-imports), if any. */
  autoImport?(name: string, fromFile: string): string | null;
}

export interface LoadedModule {
  file: string;
  source: string;
  program: TSESTree.Program | null;
}

/** The file a function, class or span belongs to when it is not the analyzed file. */
export interface ModuleHome {
  file: string;
  source: string;
}

/** The scope name under which `export default <expression>` keeps its value. */
export const DEFAULT_EXPORT = '*default*';

/**
 * Tests call builders with toy sizes and train them for a step: as importers they would add models
 * no user trains. They still run when they are the file analysed.
 */
const TEST_FILE = /[._-](?:test|spec)\.[cm]?[jt]sx?$|[\\/]__tests__[\\/]/;

/** Bounds: files instantiated per analysis, import chain depth, importers run. */
export const MAX_LINKED_FILES = 48;
export const MAX_IMPORT_DEPTH = 8;
export const MAX_IMPORTERS = 8;

interface Instance {
  file: string;
  home: ModuleHome | null;
  scope: Scope;
  program: TSESTree.Program | null;
  done: boolean;
  /** CommonJS `module` object (its `exports` property is what `require` returns). */
  moduleObject: Extract<AV, { t: 'object' }>;
  /** Local names bound by its relative imports. */
  linkedNames: string[];
}

export class Linker {
  private readonly instances = new Map<string, Instance>();
  private depth = 0;
  private readonly entry: Instance;

  constructor(
    private readonly interp: Interp,
    private readonly host: ModuleHost,
    entryFile: string,
    program: TSESTree.Program,
    scope: Scope,
  ) {
    this.entry = this.register(entryFile, null, program, scope);
  }

  /** Binds the analyzed file's relative imports (before its top level runs, as ESM hoists them). */
  linkEntry(): void {
    if (this.entry.program) this.bindRelative(this.entry);
  }

  /** Marks the analyzed file's top level as finished: importers now see all of its exports. */
  entryDone(): void {
    this.entry.done = true;
  }

  /**
   * `require('./x')` / `import('./x')`: the module's exports; undefined for a package specifier
   * the workspace does not map to one of its own files.
   */
  require(specifier: string, node: TSESTree.Node): AV | undefined {
    const from = this.interp.home?.file ?? this.entry.file;
    if (!this.linksTo(specifier, from)) return undefined;
    const instance = this.instantiate(specifier, from);
    if (!instance) return unknown(this.interp.text(node), `module ${specifier} not found`);
    return this.exportsObject(instance, new Set());
  }

  /** A name no scope binds that the framework imports (`createModel()` of Nuxt's utils/). */
  autoImported(name: string): AV | undefined {
    const from = this.interp.home?.file ?? this.entry.file;
    const file = this.host.autoImport?.(name, from);
    const instance = file ? this.instantiateFile(file) : null;
    return instance ? this.exported(instance, name) : undefined;
  }

  /**
   * Runs the files that import the analyzed one: their calls into it see real arguments, and what
   * they do with the models it returns (compile, fit) is recorded on those models.
   */
  runImporters(): void {
    // A file that builds no model has nothing for its importers to call with arguments or train.
    if (!BUILDS.test(this.interp.ownSource)) return;
    const importers = this.host
      .importers(this.entry.file)
      .filter((file) => !TEST_FILE.test(file))
      .slice(0, MAX_IMPORTERS);
    // One more hop, in the slots left: `index.js` constructs the `Agent` of `agent.js`, whose
    // constructor builds the analysed file's `Network` from the settings index.js gives it.
    const second = importers
      .flatMap((file) => this.host.importers(file))
      .filter((file, i, all) => all.indexOf(file) === i)
      .filter((file) => file !== this.entry.file && !importers.includes(file))
      .filter((file) => !TEST_FILE.test(file))
      .slice(0, MAX_IMPORTERS - importers.length);
    for (const file of [...importers, ...second]) {
      // Its top level may call the analysed file's builders (a CLI's `main()`): it runs once per
      // path like any root, so each path's build is its own variant. Each run starts the file afresh.
      let instance: Instance | null = null;
      const run = () => {
        if (this.instances.get(file) !== this.entry) this.instances.delete(file);
        instance = this.instantiateFile(file);
      };
      explore(this.interp, run, null, UNDEFINED, relativeName(file, this.entry.file), 1);
      const ran = instance as Instance | null;
      if (!ran?.program) continue;
      const names = [...ran.linkedNames, ...requiredNames(ran.home?.source ?? '')];
      this.interp.runUncalled(ran.scope, ran.home, names);
    }
  }

  private register(
    file: string,
    home: ModuleHome | null,
    program: TSESTree.Program | null,
    scope: Scope,
  ): Instance {
    const exportsObject: AV = { t: 'object', props: new Map() };
    const moduleObject: Extract<AV, { t: 'object' }> = {
      t: 'object',
      props: new Map([['exports', plainProp(exportsObject)]]),
    };
    // CommonJS files assign to these; ESM files never read them.
    if (!scope.vars.has('module')) scope.vars.set('module', moduleObject);
    if (!scope.vars.has('exports')) scope.vars.set('exports', exportsObject);
    const instance: Instance = {
      file,
      home,
      scope,
      program,
      done: false,
      moduleObject,
      linkedNames: [],
    };
    this.instances.set(file, instance);
    return instance;
  }

  /**
   * Relative specifiers always link (a missing file reads as unknown); a package name only when
   * the workspace maps it to a file of its own (a monorepo's path alias, `@acme/helpers`).
   */
  private linksTo(specifier: string, fromFile: string): boolean {
    return isRelative(specifier) || this.host.resolve(specifier, fromFile) !== null;
  }

  private instantiate(specifier: string, fromFile: string): Instance | null {
    const file = this.host.resolve(specifier, fromFile);
    return file ? this.instantiateFile(file) : null;
  }

  /** Runs a file's top level once per analysis; a file met again (a cycle) is returned as it stands. */
  private instantiateFile(file: string): Instance | null {
    const known = this.instances.get(file);
    if (known) return known;
    if (this.instances.size >= MAX_LINKED_FILES || this.depth >= MAX_IMPORT_DEPTH) return null;
    const loaded = this.host.load(file);
    if (!loaded) return null;
    const home: ModuleHome = { file, source: loaded.source };
    const instance = this.register(file, home, loaded.program, new Scope(null, 0));
    if (!loaded.program) return instance;
    const program = loaded.program;
    this.depth++;
    try {
      this.interp.inHome(home, () => {
        bindImports(program, instance.scope);
        this.bindRelative(instance);
        this.interp.runModule(program, instance.scope);
      });
    } finally {
      this.depth--;
      instance.done = true;
    }
    return instance;
  }

  private bindRelative(instance: Instance): void {
    for (const statement of instance.program?.body ?? []) {
      if (statement.type !== 'ImportDeclaration' || statement.importKind === 'type') continue;
      const specifier = String(statement.source.value);
      if (tfjsModuleSpecifier(specifier) || !this.linksTo(specifier, instance.file)) continue;
      const target = this.instantiate(specifier, instance.file);
      for (const spec of statement.specifiers) {
        if (spec.type === 'ImportSpecifier' && spec.importKind === 'type') continue;
        const local = spec.local.name;
        instance.linkedNames.push(local);
        if (!target) {
          instance.scope.vars.set(local, unknown(local, `imported from ${specifier} (not read)`));
          continue;
        }
        let value: AV | undefined;
        if (spec.type === 'ImportNamespaceSpecifier') value = this.exportsObject(target, new Set());
        else if (spec.type === 'ImportDefaultSpecifier') value = this.exported(target, 'default');
        else value = this.exported(target, nameOf(spec.imported));
        instance.scope.vars.set(local, value ?? unknown(local, `not exported by ${specifier}`));
      }
    }
  }

  /** One exported name, following re-exports; undefined when the module does not export it. */
  private exported(instance: Instance, name: string, seen = new Set<string>()): AV | undefined {
    const key = `${instance.file}\0${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    for (const statement of instance.program?.body ?? []) {
      const found = this.fromStatement(instance, statement, name, seen);
      if (found) return found;
    }
    // `export * from '@tensorflow/tfjs'`: a name the file does not export itself is tfjs's.
    if (name !== 'default' && reexportsAllOfTfjs(instance.program)) return { t: 'tf', path: name };
    const commonjs = this.commonjsExports(instance);
    if (name === 'default' && commonjs && !this.isEsm(instance)) return commonjs;
    if (commonjs?.t === 'object') return commonjs.props.get(name)?.value;
    return undefined;
  }

  private fromStatement(
    instance: Instance,
    statement: TSESTree.ProgramStatement,
    name: string,
    seen: Set<string>,
  ): AV | undefined {
    const scope = instance.scope;
    if (statement.type === 'ExportDefaultDeclaration') {
      if (name !== 'default') return undefined;
      const declaration = statement.declaration;
      const id = 'id' in declaration && declaration.id ? declaration.id : null;
      if (id?.type === 'Identifier') return scope.vars.get(id.name);
      const value = scope.vars.get(DEFAULT_EXPORT);
      if (value) return value;
      return declaration.type === 'FunctionDeclaration'
        ? this.interp.inHome(instance.home, () =>
            this.interp.makeFunction(declaration, scope, 'default'),
          )
        : undefined;
    }
    if (statement.type === 'ExportAllDeclaration') {
      if (statement.exportKind === 'type') return undefined;
      // `export * as tf from '@tensorflow/tfjs'` (a module that hands tfjs on to its importers).
      if (tfjsModuleSpecifier(String(statement.source.value))) {
        return statement.exported && nameOf(statement.exported) === name
          ? { t: 'tf', path: '' }
          : undefined;
      }
      const target = this.instantiate(String(statement.source.value), instance.file);
      if (!target) return undefined;
      if (statement.exported) {
        return nameOf(statement.exported) === name ? this.exportsObject(target, seen) : undefined;
      }
      return name === 'default' ? undefined : this.exported(target, name, seen);
    }
    if (statement.type !== 'ExportNamedDeclaration' || statement.exportKind === 'type')
      return undefined;
    if (statement.declaration) {
      return declaredNames(statement.declaration).includes(name) ? scope.vars.get(name) : undefined;
    }
    for (const spec of statement.specifiers) {
      if (nameOf(spec.exported) !== name || spec.exportKind === 'type') continue;
      const local = nameOf(spec.local);
      if (!statement.source) return scope.vars.get(local);
      // `export { layers, default as tf } from '@tensorflow/tfjs'`
      if (tfjsModuleSpecifier(String(statement.source.value)))
        return { t: 'tf', path: local === 'default' ? '' : local };
      const target = this.instantiate(String(statement.source.value), instance.file);
      return target ? this.exported(target, local, seen) : undefined;
    }
    return undefined;
  }

  /** `import * as ns` / `require(...)`: every export as an object (CommonJS: `module.exports`). */
  private exportsObject(instance: Instance, seen: Set<string>): AV {
    if (!this.isEsm(instance)) return this.commonjsExports(instance) ?? UNDEFINED;
    const props = new Map<string, PropAV>();
    for (const name of this.exportNames(instance, new Set())) {
      const value = this.exported(instance, name, new Set(seen));
      if (value) props.set(name, plainProp(value));
    }
    // A file still running (an import cycle) may export more than it has defined yet.
    return {
      t: 'object',
      props,
      ...(instance.done ? {} : { opaque: true }),
      ...(reexportsAllOfTfjs(instance.program) ? { tfRest: true as const } : {}),
    };
  }

  private exportNames(instance: Instance, seen: Set<string>): string[] {
    if (seen.has(instance.file)) return [];
    seen.add(instance.file);
    const names: string[] = [];
    for (const statement of instance.program?.body ?? []) {
      if (statement.type === 'ExportDefaultDeclaration') names.push('default');
      else if (statement.type === 'ExportNamedDeclaration' && statement.exportKind !== 'type') {
        if (statement.declaration) names.push(...declaredNames(statement.declaration));
        for (const spec of statement.specifiers) names.push(nameOf(spec.exported));
      } else if (statement.type === 'ExportAllDeclaration') {
        if (statement.exported) names.push(nameOf(statement.exported));
        else if (!tfjsModuleSpecifier(String(statement.source.value))) {
          const target = this.instantiate(String(statement.source.value), instance.file);
          if (target) names.push(...this.exportNames(target, seen).filter((n) => n !== 'default'));
        }
      }
    }
    return names;
  }

  private commonjsExports(instance: Instance): AV | undefined {
    return instance.moduleObject.props.get('exports')?.value;
  }

  private isEsm(instance: Instance): boolean {
    return (instance.program?.body ?? []).some(
      (s) =>
        s.type === 'ExportNamedDeclaration' ||
        s.type === 'ExportDefaultDeclaration' ||
        s.type === 'ExportAllDeclaration',
    );
  }
}

function reexportsAllOfTfjs(program: TSESTree.Program | null): boolean {
  return (program?.body ?? []).some(
    (s) =>
      s.type === 'ExportAllDeclaration' &&
      !s.exported &&
      s.exportKind !== 'type' &&
      tfjsModuleSpecifier(String(s.source.value)),
  );
}

const REQUIRE_BINDING =
  /\b(?:const|let|var)\s+(\{[^}]*\}|[\w$]+)\s*=\s*require\s*\(\s*['"]\.{1,2}\//g;

/** Names a CommonJS file binds from its relative requires (`const { createModel } = require('./model')`). */
function requiredNames(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(REQUIRE_BINDING)) {
    for (const part of match[1].replace(/[{}]/g, '').split(',')) {
      const name = part.split(':').pop()?.trim();
      if (name && /^[\w$]+$/.test(name)) names.push(name);
    }
  }
  return names;
}

/** How a path names another file in messages: relative to the analysed file's folder. */
function relativeName(file: string, from: string): string {
  const dir = from.slice(0, from.lastIndexOf('/') + 1);
  return file.startsWith(dir) ? file.slice(dir.length) : file;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.';
}

function nameOf(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === 'Identifier' ? node.name : node.value;
}

function plainProp(value: AV): PropAV {
  return { value, span: null, valueSpan: null };
}

/** Names a declaration introduces: `const {a, b: [c]} = ...`, functions, classes, enums. */
function declaredNames(declaration: TSESTree.NamedExportDeclarations): string[] {
  switch (declaration.type) {
    case 'VariableDeclaration':
      return declaration.declarations.flatMap((d) => patternNames(d.id));
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
    case 'TSDeclareFunction':
      return declaration.id ? [declaration.id.name] : [];
    default:
      return [];
  }
}

function patternNames(node: TSESTree.Node): string[] {
  switch (node.type) {
    case 'Identifier':
      return [node.name];
    case 'ObjectPattern':
      return node.properties.flatMap((p) =>
        p.type === 'RestElement' ? patternNames(p.argument) : patternNames(p.value),
      );
    case 'ArrayPattern':
      return node.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'AssignmentPattern':
      return patternNames(node.left);
    case 'RestElement':
      return patternNames(node.argument);
    default:
      return [];
  }
}
