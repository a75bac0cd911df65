/**
 * Whether a probe's measurement confirms each lint finding about the same model, so lint and probe never
 * contradict each other: a warning that the gradient vanishes sits beside "confirmed: layer 0 at 3e-6x" or
 * "not confirmed: measured healthy (layer 0 at 0.56x)". Findings about risks a probe at initialisation cannot
 * measure (growth through time during training, a saturating output once trained) say so instead (null).
 */
import type { ProbeReport, TemporalProbe } from '../../probe/types';
import type { Finding } from '../types';

export interface Confirmation {
  ruleId: string;
  /** The finding's own short message, to tell several findings of one rule apart. */
  message: string;
  /** Whether the finding is an info hint (which claims the problem is below the material level). */
  hint: boolean;
  /** true: the measurement shows the problem; false: it does not; null: a probe at initialisation cannot tell. */
  confirmed: boolean | null;
  evidence: string;
}

type Claim =
  'vanishing' | 'exploding' | 'either' | 'temporal' | 'exploding-or-temporal' | 'training';

/** What each rule's warning claims the probe would show. */
const CLAIMS: Record<string, Claim> = {
  'saturating-activation': 'vanishing',
  'missing-initializer': 'either',
  'initializer-mismatch': 'either',
  'initializer-scale': 'either',
  'deep-without-normalization': 'either',
  'deep-without-residual': 'either',
  'high-learning-rate': 'exploding',
  'simple-rnn-long-sequence': 'temporal',
  'lstm-forget-bias': 'temporal',
  'non-orthogonal-recurrent-init': 'exploding-or-temporal',
  'unbounded-recurrent-activation': 'exploding-or-temporal',
  'rnn-without-clipping': 'training',
  'saturating-output-loss': 'training',
};

export function confirmFindings(findings: Finding[], report: ProbeReport): Confirmation[] {
  const seen = new Set<string>();
  const result: Confirmation[] = [];
  for (const finding of findings) {
    const key = `${finding.ruleId}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(confirm(finding, report));
  }
  return result;
}

function confirm(finding: Finding, report: ProbeReport): Confirmation {
  const base = { ruleId: finding.ruleId, message: finding.message, hint: finding.hint === true };
  const claim = CLAIMS[finding.ruleId] ?? 'either';
  const measured = measuredText(report);
  const shows = (verdict: ProbeReport['verdict']) => report.verdict === verdict;
  if (claim === 'training') {
    return {
      ...base,
      confirmed: null,
      evidence: `a probe at initialisation cannot show this risk (measured ${measured})`,
    };
  }
  if (claim === 'temporal' || claim === 'exploding-or-temporal') {
    if (claim === 'exploding-or-temporal' && shows('exploding'))
      return { ...base, confirmed: true, evidence: measured };
    const temporal = temporalOf(finding, report);
    if (temporal) {
      const problem = temporal.verdict === 'vanishing' || temporal.verdict === 'exploding';
      return {
        ...base,
        confirmed: base.hint ? !problem : problem,
        evidence: `through time ${temporal.verdict}: ${temporal.summary.replace(/\.$/, '')}`,
      };
    }
    return {
      ...base,
      confirmed: null,
      evidence: `per-layer norms do not show the gradient through time (measured ${measured})`,
    };
  }
  const problem =
    claim === 'vanishing'
      ? shows('vanishing')
      : claim === 'exploding'
        ? shows('exploding') || !stableLoss(report)
        : !shows('healthy');
  // A hint claims the problem is below the material level: the measurement confirms it when healthy.
  const confirmed = base.hint ? !problem : problem;
  return { ...base, confirmed, evidence: measured };
}

/** The finding's recurrent layer's gradient through time, when the probe measured it. */
function temporalOf(finding: Finding, report: ProbeReport): TemporalProbe | null {
  if (finding.layerIndex === undefined) return null;
  return report.layers.find((l) => l.index === finding.layerIndex)?.temporal ?? null;
}

/** "vanishing: layer 0 at 3e-6x" / "healthy: layer 0 at 0.56x" / "exploding: update 4.2x the weights at dense_3". */
function measuredText(report: ProbeReport): string {
  const weighted = report.layers.filter((l) => l.gradNorm !== null);
  const first = weighted[0];
  const ratio = first?.ratioToOutput;
  const parts: string[] = [report.verdict];
  if (first && ratio !== null && ratio !== undefined)
    parts.push(`layer ${first.index} at ${short(ratio)}x`);
  const update = weighted.reduce<{ name: string; value: number } | null>((top, l) => {
    const value = l.updateToWeightRatio;
    return value !== null && Number.isFinite(value) && (!top || value > top.value)
      ? { name: l.name, value }
      : top;
  }, null);
  if (report.verdict === 'exploding' && update && update.value > 1)
    parts.push(`one step ${short(update.value)}x the weights at ${update.name}`);
  if (!stableLoss(report)) parts.push('loss not stable over the steps');
  return parts.length > 1 ? `${parts[0]}: ${parts.slice(1).join(', ')}` : parts[0]!;
}

/** Finite at every step and not above twice its first value at the last. */
function stableLoss(report: ProbeReport): boolean {
  const loss = report.lossPerStep;
  if (!loss.every(Number.isFinite)) return false;
  return loss.length < 2 || loss[loss.length - 1]! <= 2 * Math.max(loss[0]!, 1e-12);
}

function short(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e3 || abs < 1e-2 ? value.toExponential(0) : String(Number(value.toPrecision(2)));
}

/** "findings: saturating-activation (confirmed: vanishing: layer 0 at 3e-6x)" lines for the probe table. */
export function confirmationLines(confirmations: Confirmation[]): string[] {
  if (confirmations.length === 0) return [];
  return [
    'Findings:',
    ...confirmations.map((c) => {
      const status =
        c.confirmed === null ? 'not measurable here' : c.confirmed ? 'confirmed' : 'not confirmed';
      return `  - ${c.ruleId}${c.hint ? ' (hint)' : ''}: ${c.message} (${status}: ${c.evidence})`;
    }),
  ];
}
