/**
 * Per-entry variance of a kernel (or bias) initializer, following tfjs-layers 4.x initializers.js and Keras.
 * tfjs draws its "normal" variance-scaling initializers (glorotNormal, heNormal, leCunNormal,
 * varianceScaling) and truncatedNormal from a normal truncated at two standard deviations, without
 * Keras's 0.8796 correction, so their variance is about 0.774 times the nominal one. Keras divides the
 * variance-scaling ones' stddev by 0.8796 (frameworks.ts), so theirs is the nominal one; its plain
 * TruncatedNormal is not corrected either.
 */
import type { ConfigProp, Value } from '../analysis/ir';

export interface InitVariance {
  /** Per-entry variance. */
  variance: number;
  /** Per-entry mean (constant bias initializers; zero for the random ones). */
  mean: number;
  /** How it was read, for notes: "heNormal (var 2/fanIn x 0.774)". */
  label: string;
}

export type InitResult = InitVariance | { error: string };

/** Variance of a standard normal truncated to [-2, 2]: 1 - 4 phi(2) / (Phi(2) - Phi(-2)). */
export const TRUNCATION_FACTOR = (() => {
  const density = Math.exp(-2) / Math.sqrt(2 * Math.PI);
  const mass = 0.9544997361036416; // P(|z| < 2)
  return 1 - (4 * density) / mass;
})();

interface Fans {
  fanIn: number;
  fanOut: number;
  /** Rows x columns of the kernel flattened to 2-D (orthogonal initializers). */
  rows: number;
  cols: number;
}

/**
 * `stddevFactor` multiplies the stddev of the truncated-normal variance-scaling initializers: 1 for tfjs,
 * 1/0.8796 for Keras (`frameworkDefaults(framework).truncatedNormalStddevFactor`).
 */
export function initializerVariance(
  value: Value | undefined,
  fallback: string,
  fans: Fans,
  stddevFactor = 1,
): InitResult {
  const read = (name: string, args: Record<string, ConfigProp>) =>
    byName(name, args, fans, stddevFactor);
  if (value === undefined || value.kind === 'undefined' || value.kind === 'null') {
    return read(fallback, {});
  }
  if (value.kind === 'string') return read(value.value, {});
  if (value.kind === 'call') {
    const name = value.path.split('.').pop() ?? value.path;
    const arg = value.args[0];
    return read(name, arg?.kind === 'object' ? arg.props : {});
  }
  if (value.kind === 'object') {
    const className = value.props.className?.value;
    const config = value.props.config?.value;
    if (className?.kind === 'string') {
      return read(className.value, config?.kind === 'object' ? config.props : {});
    }
  }
  return { error: `initializer ${describe(value)} is not statically known` };
}

function describe(value: Value): string {
  return value.kind === 'unknown' || value.kind === 'call' ? `'${value.text}'` : `(${value.kind})`;
}

/** 'he_normal', 'HeNormal' and 'heNormal' all name tfjs's heNormal. */
function canonical(name: string): string {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const lower = camel.charAt(0).toLowerCase() + camel.slice(1);
  return lower === 'leCunNormal' || lower === 'lecunNormal'
    ? 'leCunNormal'
    : lower === 'lecunUniform'
      ? 'leCunUniform'
      : lower;
}

function byName(
  rawName: string,
  args: Record<string, ConfigProp>,
  fans: Fans,
  stddevFactor: number,
): InitResult {
  const name = canonical(rawName);
  const number = (key: string): number | null | undefined => {
    const v = args[key]?.value;
    if (!v || v.kind === 'undefined' || v.kind === 'null') return undefined;
    return v.kind === 'number' ? v.value : null;
  };
  const text = (key: string): string | null | undefined => {
    const v = args[key]?.value;
    if (!v || v.kind === 'undefined' || v.kind === 'null') return undefined;
    return v.kind === 'string' ? v.value : null;
  };
  const { fanIn, fanOut } = fans;
  const scaled = (scale: number, mode: string, distribution: string, label: string): InitResult => {
    const denominator = Math.max(
      1,
      mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2,
    );
    const truncated = distribution === 'normal' || distribution === 'truncatedNormal';
    // Keras corrects the truncation (factor^2 x 0.774 = 1 to 4 digits); tfjs does not.
    const shrink = truncated ? TRUNCATION_FACTOR * stddevFactor ** 2 : 1;
    const variance = (scale / denominator) * shrink;
    const note = Math.abs(shrink - 1) > 1e-3 ? ` x ${shrink.toFixed(3)}` : '';
    return { variance, mean: 0, label: `${label} (var ${scale}/${mode}${note})` };
  };
  switch (name) {
    case 'glorotNormal':
      return scaled(1, 'fanAvg', 'normal', name);
    case 'glorotUniform':
      return scaled(1, 'fanAvg', 'uniform', name);
    case 'heNormal':
      return scaled(2, 'fanIn', 'normal', name);
    case 'heUniform':
      return scaled(2, 'fanIn', 'uniform', name);
    case 'leCunNormal':
      return scaled(1, 'fanIn', 'normal', name);
    case 'leCunUniform':
      return scaled(1, 'fanIn', 'uniform', name);
    case 'varianceScaling': {
      const scale = number('scale');
      const mode = text('mode');
      const distribution = text('distribution');
      if (scale === null || mode === null || distribution === null)
        return { error: 'varianceScaling arguments are not statically known' };
      return scaled(scale ?? 1, mode ?? 'fanIn', distribution ?? 'normal', name);
    }
    case 'randomNormal':
    case 'truncatedNormal': {
      const mean = number('mean');
      const stddev = number('stddev');
      if (mean === null || stddev === null)
        return { error: `${name} arguments are not statically known` };
      if (mean) return { error: `${name} with a non-zero mean is not covered by the estimate` };
      // tfjs reads `args.stddev || 0.05`: a zero stddev falls back to the default too.
      const sd = stddev || 0.05;
      const factor = name === 'truncatedNormal' ? TRUNCATION_FACTOR : 1;
      return { variance: sd * sd * factor, mean: 0, label: `${name}(stddev ${sd})` };
    }
    case 'randomUniform': {
      const min = number('minval');
      const max = number('maxval');
      if (min === null || max === null)
        return { error: 'randomUniform arguments are not statically known' };
      const lo = min || -0.05;
      const hi = max || 0.05;
      if (Math.abs(lo + hi) > 1e-12)
        return { error: 'randomUniform with a non-zero mean is not covered by the estimate' };
      return { variance: (hi - lo) ** 2 / 12, mean: 0, label: `randomUniform(${lo}, ${hi})` };
    }
    case 'orthogonal': {
      const gain = number('gain');
      if (gain === null) return { error: 'orthogonal gain is not statically known' };
      const g = gain ?? 1;
      // Orthonormal columns (or rows): each entry carries 1 / max(rows, cols) of a unit norm.
      return {
        variance: (g * g) / Math.max(fans.rows, fans.cols),
        mean: 0,
        label: `orthogonal(gain ${g})`,
      };
    }
    case 'identity': {
      const gain = number('gain');
      if (gain === null) return { error: 'identity gain is not statically known' };
      const g = gain ?? 1;
      // Not random, but it passes each unit's variance through scaled by gain^2, as var gain^2/fanIn would.
      return { variance: (g * g) / Math.max(1, fanIn), mean: 0, label: `identity(gain ${g})` };
    }
    case 'zeros':
      return { variance: 0, mean: 0, label: 'zeros' };
    case 'ones':
      return { variance: 0, mean: 1, label: 'ones' };
    case 'constant': {
      const value = number('value');
      if (value === null) return { error: 'constant value is not statically known' };
      return { variance: 0, mean: value ?? 0, label: `constant(${value ?? 0})` };
    }
    default:
      return { error: `initializer '${rawName}' is not covered by the estimate` };
  }
}
