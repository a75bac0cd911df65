/**
 * `gradientLens.*` per document, fetched through `workspace/configuration` (scopeUri = the
 * document, so folder settings apply), cached per URI and dropped on didChangeConfiguration.
 * Clients without that request send settings in didChangeConfiguration: those serve every document.
 * Same keys and defaults as the `contributes.configuration` of package.json.
 */
import { PROBE_DEFAULTS, PROBE_LIMITS } from '../probe/defaults';

export const SECTION = 'gradientLens';

export interface ServerSettings {
  enable: boolean;
  run: 'onType' | 'onSave';
  /** Raw `gradientLens.rules`: validated by the linter, which names the bad key. */
  rules: unknown;
  reportUnusedDirectives: boolean;
  codeLens: boolean;
  inlineHints: boolean;
  /** The static estimate uses the probe's batch size for batch-dependent layers. */
  batchSize: number;
}

/** Reads a setting from the section object; accepts nested (`probe: {batchSize}`) and dotted keys. */
export function readSettings(section: unknown): ServerSettings {
  const get = (key: string): unknown => lookup(section, key);
  const batch = get('probe.batchSize');
  return {
    enable: get('enable') !== false,
    run: get('run') === 'onSave' ? 'onSave' : 'onType',
    rules: get('rules') ?? {},
    reportUnusedDirectives: get('reportUnusedDirectives') === true,
    codeLens: get('codeLens') !== false,
    inlineHints: get('inlineHints') !== false,
    batchSize:
      typeof batch === 'number' && Number.isFinite(batch)
        ? Math.round(Math.min(PROBE_LIMITS.maxBatch, Math.max(1, batch)))
        : PROBE_DEFAULTS.batchSize,
  };
}

function lookup(section: unknown, key: string): unknown {
  if (!isObject(section)) return undefined;
  if (key in section) return section[key];
  let value: unknown = section;
  for (const part of key.split('.')) {
    if (!isObject(value)) return undefined;
    value = value[part];
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ConfigurationFetch = (scopeUri: string) => Promise<unknown>;

export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  /** Settings pushed by the client (no workspace/configuration support). */
  private pushed: unknown = undefined;

  constructor(private readonly fetch: ConfigurationFetch | null) {}

  get(uri: string): Promise<ServerSettings> {
    if (!this.fetch) return Promise.resolve(readSettings(this.pushed));
    let found = this.cache.get(uri);
    if (!found) {
      // A client that fails the request still gets the defaults rather than no lint at all.
      found = this.fetch(uri).then(readSettings, () => readSettings(undefined));
      this.cache.set(uri, found);
    }
    return found;
  }

  /** didChangeConfiguration: forget everything; keep pushed values for clients that push. */
  changed(settings: unknown): void {
    this.cache.clear();
    if (isObject(settings) && SECTION in settings) this.pushed = settings[SECTION];
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
