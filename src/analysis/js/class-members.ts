/**
 * What a class body gives its instances and the class itself: methods, fields (an arrow function in a
 * field is a method too: `create = () => {...}`), static members read as `Cls.create()`, and
 * setters, which run on `this.x = v` as JavaScript runs them.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { evaluate } from './expressions';
import type { Interp } from './interpreter';
import { type AV, Scope, UNDEFINED, unknown } from './values';

type ClassAV = Extract<AV, { t: 'class' }>;
type ObjectAV = Extract<AV, { t: 'object' }>;
type FnAV = Extract<AV, { t: 'fn' }>;
type Member = TSESTree.ClassElement;

// A getter stays the function it is (read as a value, `while (!this.done)` guards would run loops
// whose models the extractor then builds under open conditions; see CHANGELOG).
const setters = new WeakMap<ObjectAV, Map<string, FnAV>>();
const statics = new WeakMap<ClassAV, Map<string, AV>>();

export function registerMembers(interp: Interp, cls: ClassAV, instance: ObjectAV): void {
  const scope = new Scope(cls.scope, interp.conditions.length);
  scope.vars.set('this', instance);
  for (const element of cls.node.body.body) {
    const key = memberKey(element);
    if (key === null) continue;
    if (element.type === 'MethodDefinition' && element.kind === 'constructor') continue;
    // Made when the class is declared, so the uncalled-function pass runs them too.
    if (isStatic(element)) {
      if (isFunctionMember(element)) staticMember(interp, cls, key);
      continue;
    }
    if (element.type === 'MethodDefinition' && element.value.type === 'FunctionExpression') {
      const fn = interp.makeFunction(element.value, cls.scope, `${cls.name}.${key}`, instance);
      if (element.kind === 'set') {
        let own = setters.get(instance);
        if (!own) setters.set(instance, (own = new Map()));
        own.set(key, fn);
      } else instance.props.set(key, { value: fn, span: null, valueSpan: null });
    } else if (element.type === 'PropertyDefinition') {
      const value = element.value
        ? evaluate(interp, element.value, scope, `${cls.name}.${key}`)
        : declaredOnly(element, key);
      instance.props.set(key, { value, span: null, valueSpan: null });
    }
  }
}

/** `Cls.key`: a static method or field, made once per class (with the class as `this`). */
export function staticMember(interp: Interp, cls: ClassAV, key: string): AV | undefined {
  let own = statics.get(cls);
  if (!own) statics.set(cls, (own = new Map()));
  const known = own.get(key);
  if (known) return known;
  const element = cls.node.body.body.find((e) => isStatic(e) && memberKey(e) === key);
  if (!element) return undefined;
  const run = (): AV => {
    if (element.type === 'MethodDefinition' && element.value.type === 'FunctionExpression')
      return interp.makeFunction(element.value, cls.scope, `${cls.name}.${key}`, cls);
    if (element.type !== 'PropertyDefinition' || !element.value) return UNDEFINED;
    const scope = new Scope(cls.scope, interp.conditions.length);
    scope.vars.set('this', cls);
    return evaluate(interp, element.value, scope, `${cls.name}.${key}`);
  };
  const value = cls.home !== undefined ? interp.inHome(cls.home, run) : run();
  own.set(key, value);
  return value;
}

/** `this.x = v` of an instance with `set x(v)`: runs the setter; false when there is none. */
export function writeAccessor(interp: Interp, object: ObjectAV, key: string, value: AV): boolean {
  const setter = setters.get(object)?.get(key);
  if (!setter) return false;
  interp.callFunction(setter, [value], object);
  return true;
}

/**
 * A field declared with a type and no value (`size_: number`): TypeScript leaves it to the constructor or
 * a caller, which a method run on its own (an uncalled builder) never sees, so it is open, not undefined.
 * One that may be undefined (`model?: T`, `T | undefined`) or has no type is undefined, as in JavaScript.
 */
function declaredOnly(element: TSESTree.PropertyDefinition, key: string): AV {
  const type = element.typeAnnotation?.typeAnnotation;
  if (!type || element.optional) return UNDEFINED;
  const members = type.type === 'TSUnionType' ? type.types : [type];
  const mayBeUndefined = members.some(
    (t) => t.type === 'TSUndefinedKeyword' || t.type === 'TSNullKeyword',
  );
  return mayBeUndefined ? UNDEFINED : unknown(`this.${key}`, 'declared, not initialised');
}

function memberKey(element: Member): string | null {
  if (element.type !== 'MethodDefinition' && element.type !== 'PropertyDefinition') return null;
  if (element.computed || element.key.type !== 'Identifier') return null;
  return element.key.name;
}

function isStatic(element: Member): boolean {
  return (
    (element.type === 'MethodDefinition' || element.type === 'PropertyDefinition') && element.static
  );
}

function isFunctionMember(element: Member): boolean {
  if (element.type === 'MethodDefinition') return element.kind === 'method';
  return (
    element.type === 'PropertyDefinition' &&
    (element.value?.type === 'ArrowFunctionExpression' ||
      element.value?.type === 'FunctionExpression')
  );
}
