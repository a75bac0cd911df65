/** Number formats shared by the report table and the chart (the browser script imports this file too). */

/** Compact scientific notation: 1.23e-4, 0 as "0", missing as an em dash. */
export function sci(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const [mantissa, exponent] = value.toExponential(digits).split('e');
  return `${mantissa}e${exponent.replace('+', '')}`;
}

/** A fraction as a percentage with one decimal; missing as an em dash. */
export function percent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.001 ? 2 : 1)}%`;
}

/** Parameter counts with thousands separators (locale-independent so tests and screenshots agree). */
export function count(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Plain decimals for everyday magnitudes (0.05, 70, 1.598), scientific beyond them. */
export function readable(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value) || value === 0)
    return sci(value);
  const magnitude = Math.abs(value);
  return magnitude >= 0.001 && magnitude < 1e5 ? String(Number(value.toPrecision(4))) : sci(value);
}

/**
 * Gradient norms and ratios in editor text (hovers, hints, CodeLens): 3 significant digits for
 * everyday magnitudes, one-decimal scientific notation beyond; missing as an en dash.
 */
export function formatNorm(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 0.01 && abs < 1000) return String(Number(value.toPrecision(3)));
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa.replace(/\.0$/, '')}e${Number(exponent)}`;
}
