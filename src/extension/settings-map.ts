/**
 * The extension's settings as plain data, read through a getter so the mapping (defaults, clamping,
 * what the probe receives) is testable without vscode. Read per resource on every use. The lint
 * settings (enable, run, rules, codeLens, inlineHints...) are the server's: src/server/settings.ts.
 */
import { PROBE_DEFAULTS, PROBE_LIMITS, THRESHOLD_DEFAULTS } from '../probe/defaults';
import type { BackendChoice } from '../probe/types';

export type SettingGetter = <T>(key: string) => T | undefined;

export interface ExtensionSettings {
  lintWorkspaceExclude: string;
  probe: {
    batchSize: number;
    steps: number;
    timeoutMs: number;
    maxHeapMb: number;
    maxParams: number;
    backend: BackendChoice;
    useWorkspaceTfjs: boolean;
  };
  thresholds: { vanishingRatio: number; explodingRatio: number; maxUpdateRatio: number };
}

export const DEFAULTS = { ...PROBE_DEFAULTS, ...THRESHOLD_DEFAULTS } as const;

const BACKENDS: readonly BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

export function readSettings(get: SettingGetter): ExtensionSettings {
  const backend = get<string>('probe.backend');
  return {
    lintWorkspaceExclude:
      get<string>('lintWorkspace.exclude') || '**/{node_modules,dist,out,build,.git}/**',
    probe: {
      batchSize: integer(get('probe.batchSize'), DEFAULTS.batchSize, 1, PROBE_LIMITS.maxBatch),
      steps: integer(get('probe.steps'), DEFAULTS.steps, 1, 100),
      timeoutMs: 1000 * number(get('probe.timeoutSeconds'), DEFAULTS.timeoutSeconds, 1, 3600),
      maxHeapMb: integer(get('probe.maxHeapMb'), DEFAULTS.maxHeapMb, 128, 65536),
      maxParams: integer(get('probe.maxParams'), DEFAULTS.maxParams, 1, Number.MAX_SAFE_INTEGER),
      backend: BACKENDS.includes(backend as BackendChoice) ? (backend as BackendChoice) : 'auto',
      useWorkspaceTfjs: get<boolean>('probe.useWorkspaceTfjs') !== false,
    },
    thresholds: {
      vanishingRatio: number(get('thresholds.vanishingRatio'), DEFAULTS.vanishingRatio, 1e-12, 1),
      explodingRatio: number(get('thresholds.explodingRatio'), DEFAULTS.explodingRatio, 1, 1e12),
      maxUpdateRatio: number(
        get('thresholds.maxUpdateRatio'),
        DEFAULTS.maxUpdateRatio,
        1e-12,
        1e12,
      ),
    },
  };
}

/**
 * The workspace's own tfjs is code from the workspace: it may run only when the user allows it
 * in settings AND trusts the workspace (Workspace Trust), else the probe uses the bundled tfjs.
 */
export function allowProjectTfjs(settings: ExtensionSettings, workspaceTrusted: boolean): boolean {
  return settings.probe.useWorkspaceTfjs && workspaceTrusted;
}

function number(raw: unknown, fallback: number, min: number, max: number): number {
  return typeof raw === 'number' && Number.isFinite(raw)
    ? Math.min(max, Math.max(min, raw))
    : fallback;
}

function integer(raw: unknown, fallback: number, min: number, max: number): number {
  return Math.round(number(raw, fallback, min, max));
}
