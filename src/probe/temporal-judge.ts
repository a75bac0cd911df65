/**
 * Judges a recurrent layer's gradient over time steps, relative to the step the layer reads last (the step nearest
 * its output, where the backward pass through time starts):
 * - vanishing through time when the farthest step's gradient is below vanishingRatio × the nearest step's;
 * - exploding through time when any earlier step's gradient is above explodingRatio × the nearest step's
 *   (the product of recurrent Jacobians grows going back: spectral radius above 1, Pascanu et al. 2013);
 * - reach: how many steps back the gradient stays at or above vanishingRatio × the nearest step's.
 */
import type { TemporalProbe, Verdict } from './types';
import type { RawTemporal } from './temporal';
import { fmt } from './verdict';

export interface TemporalThresholds {
  vanishingRatio: number;
  explodingRatio: number;
}

interface Direction {
  /** Norms ordered from the step read last (index 0) back to the step read first. */
  backInTime: number[];
  /** 1-based step numbers, same order. */
  stepOf: (k: number) => number;
  label: string;
}

interface DirectionJudgement {
  verdict: Verdict;
  farToNear: number | null;
  peakToNear: number | null;
  reach: number;
  summary: string;
}

export function judgeTemporal(raw: RawTemporal, thresholds: TemporalThresholds): TemporalProbe {
  const steps = raw.gradNormByStep.length;
  const forward = (norms: number[], label: string): Direction => ({
    backInTime: [...norms].reverse(),
    stepOf: (k) => steps - k,
    label,
  });
  const backward = (norms: number[], label: string): Direction => ({
    backInTime: norms,
    stepOf: (k) => k + 1,
    label,
  });
  const directions = raw.directions
    ? [
        forward(raw.directions.forward, 'forward direction: '),
        backward(raw.directions.backward, 'backward direction: '),
      ]
    : [raw.reversed ? backward(raw.gradNormByStep, '') : forward(raw.gradNormByStep, '')];
  const judged = directions.map((d) => judgeDirection(d, thresholds));
  const severity = (j: DirectionJudgement): number =>
    j.verdict === 'exploding' ? 2 : j.verdict === 'vanishing' ? 1 : 0;
  // The worst direction speaks for the layer; among equals, the one with the shorter reach.
  const worst = judged.reduce((a, b) =>
    severity(b) > severity(a) || (severity(b) === severity(a) && b.reach < a.reach) ? b : a,
  );
  const probe: TemporalProbe = {
    steps,
    gradNormByStep: raw.gradNormByStep,
    farToNear: worst.farToNear,
    peakToNear: worst.peakToNear,
    reach: worst.reach,
    verdict: worst.verdict,
    summary: worst.summary,
  };
  if (raw.directions) probe.directions = raw.directions;
  if (raw.reversed) probe.reversed = true;
  return probe;
}

function judgeDirection(d: Direction, thresholds: TemporalThresholds): DirectionJudgement {
  const norms = d.backInTime;
  const steps = norms.length;
  const near = norms[0] ?? 0;
  const nearName = d.stepOf(0) === steps ? "the last step's" : `step ${d.stepOf(0)}'s`;
  const broken = norms.findIndex((n) => !Number.isFinite(n));
  if (broken >= 0) {
    return {
      verdict: 'exploding',
      farToNear: null,
      peakToNear: null,
      reach: broken,
      summary: `${d.label}the gradient reaching step ${d.stepOf(broken)} is ${norms[broken]} (exploding through time).`,
    };
  }
  if (!(near > 0)) {
    return {
      verdict: 'healthy',
      farToNear: null,
      peakToNear: null,
      reach: 0,
      summary: `${d.label}no gradient reaches the step read last (step ${d.stepOf(0)}), so the profile over time cannot be judged.`,
    };
  }
  const ratios = norms.map((n) => n / near);
  const far = ratios[steps - 1]!;
  const farStep = d.stepOf(steps - 1);
  let reach = steps;
  const drop = ratios.findIndex((r) => !(r >= thresholds.vanishingRatio));
  if (drop >= 0) reach = drop;
  const peakAt = ratios.reduce((best, r, k) => (r > ratios[best]! ? k : best), 0);
  const peak = ratios[peakAt]!;
  if (peak > thresholds.explodingRatio) {
    return {
      verdict: 'exploding',
      farToNear: far,
      peakToNear: peak,
      reach,
      summary: `${d.label}the gradient grows going back in time: at step ${d.stepOf(peakAt)} it is ${fmt(peak)} × ${nearName} (exploding through time above ${fmt(thresholds.explodingRatio)} ×).`,
    };
  }
  const lasts =
    reach >= steps
      ? `it lasts all ${steps} steps`
      : `it lasts about ${reach} step${reach === 1 ? '' : 's'} of ${steps}`;
  const nearAt = d.stepOf(0) === steps ? 'the last step' : `step ${d.stepOf(0)}`;
  const size =
    far === 0
      ? `exactly 0 (too small for float32) against ${fmt(near)} at ${nearAt}`
      : `${fmt(far)} × ${nearName}`;
  const sentence = `${d.label}the gradient reaching step ${farStep} is ${size}: ${lasts}`;
  if (far < thresholds.vanishingRatio) {
    return {
      verdict: 'vanishing',
      farToNear: far,
      peakToNear: peak,
      reach,
      summary: `${sentence} (vanishing through time below ${fmt(thresholds.vanishingRatio)} ×).`,
    };
  }
  return { verdict: 'healthy', farToNear: far, peakToNear: peak, reach, summary: `${sentence}.` };
}
