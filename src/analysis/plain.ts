/**
 * IR values -> plain JavaScript values. Numbers, strings, booleans, null, undefined, arrays and objects map
 * the same way for every reader; what a tfjs call or an unknown becomes is the caller's choice (a label for
 * display, a real tfjs object for the probe, an error), so those two leaves are passed in.
 */
import type { Value } from './ir';

export interface PlainLeaves {
  /** `where` names the value's place (`conv2d.kernelInitializer[0]`), for messages. */
  call(value: Extract<Value, { kind: 'call' }>, where: string): unknown;
  unknown(value: Extract<Value, { kind: 'unknown' }>, where: string): unknown;
  /** Leave out object properties whose value comes out undefined (tfjs then applies its default). */
  omitUndefined?: boolean;
}

export function plainValue(value: Value, leaves: PlainLeaves, where = ''): unknown {
  switch (value.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return value.value;
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'array':
      return value.items.map((item, i) => plainValue(item, leaves, `${where}[${i}]`));
    case 'object':
      return plainProps(value.props, leaves, where);
    case 'call':
      return leaves.call(value, where);
    case 'unknown':
      return leaves.unknown(value, where);
  }
}

export function plainProps(
  props: Record<string, { value: Value }>,
  leaves: PlainLeaves,
  where = '',
): Record<string, unknown> {
  const entries = Object.entries(props).map(
    ([key, prop]) => [key, plainValue(prop.value, leaves, `${where}.${key}`)] as const,
  );
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return Object.fromEntries(
    leaves.omitUndefined ? entries.filter(([, plain]) => plain !== undefined) : entries,
  );
}
