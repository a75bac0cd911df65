/**
 * `--cache`: the results of files whose content, configuration and tool version are unchanged are
 * reused from the last run (a content hash, as ESLint's `--cache-strategy content`). The cache is one
 * JSON file; a missing, unreadable or foreign one is simply an empty cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LintConfig } from './config';
import type { LintResult } from './types';

export const DEFAULT_CACHE_FILE = '.gradientlenscache';
const FORMAT = 1;

interface Entry {
  content: string;
  config: string;
  result: LintResult;
  /** Content hashes of the other files the result was computed from (its imports, its importers). */
  reads?: Record<string, string>;
}

interface CacheFile {
  format: number;
  tool: string;
  entries: Record<string, Entry>;
}

export class LintCache {
  private entries: Record<string, Entry> = {};
  private dirty = false;

  /** `tool` names what produced the results (name and version): another tool's cache is ignored. */
  constructor(
    readonly location: string,
    private readonly tool: string,
  ) {
    try {
      const data = JSON.parse(readFileSync(location, 'utf8')) as Partial<CacheFile>;
      if (data.format === FORMAT && data.tool === tool && isRecord(data.entries)) {
        this.entries = data.entries;
      }
    } catch {
      // no cache yet, or not one of ours: start empty
    }
  }

  get(file: string, source: string, config: LintConfig): LintResult | null {
    const entry = this.entries[file];
    if (!entry || entry.content !== hash(source) || entry.config !== configKey(config)) return null;
    for (const [other, digest] of Object.entries(entry.reads ?? {})) {
      if (contentHash(other) !== digest) return null;
    }
    return entry.result;
  }

  set(file: string, source: string, config: LintConfig, result: LintResult): void {
    const entry: Entry = { content: hash(source), config: configKey(config), result };
    if (result.readFiles && result.readFiles.length > 0) {
      entry.reads = Object.fromEntries(result.readFiles.map((f) => [f, contentHash(f)]));
    }
    this.entries[file] = entry;
    this.dirty = true;
  }

  /** Drops the entries of files that no longer exist, so a cache does not grow forever. */
  prune(): void {
    for (const file of Object.keys(this.entries)) {
      if (!existsSync(file)) {
        delete this.entries[file];
        this.dirty = true;
      }
    }
  }

  /** Written atomically (temp file + rename), so an interrupted run never leaves half a cache. */
  save(): void {
    if (!this.dirty) return;
    const data: CacheFile = { format: FORMAT, tool: this.tool, entries: this.entries };
    mkdirSync(dirname(this.location), { recursive: true });
    const temp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, this.location);
    this.dirty = false;
  }
}

/** A file's content hash, or '' when it cannot be read (a deleted import invalidates the entry). */
function contentHash(file: string): string {
  try {
    return hash(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

const configKeys = new WeakMap<LintConfig, string>();

function configKey(config: LintConfig): string {
  let key = configKeys.get(config);
  if (key === undefined) {
    key = hash(JSON.stringify(config));
    configKeys.set(config, key);
  }
  return key;
}

function isRecord(value: unknown): value is Record<string, Entry> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
