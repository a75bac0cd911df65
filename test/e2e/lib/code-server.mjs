/* global fetch */
// Starts and stops code-server (a real VS Code) for the end-to-end suite.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const cacheDir = process.env.GRADIENT_LENS_E2E_CACHE ?? join(repoRoot, '.cache', 'e2e');
export const codeServerBin = join(cacheDir, 'code-server', 'node_modules', '.bin', 'code-server');

/** User settings that keep the workbench quiet and predictable for screenshots and assertions. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  // Only our diagnostics in the Problems panel.
  'javascript.validate.enable': false,
  'typescript.validate.enable': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 13,
  'editor.codeLens': true,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
};

/** One code-server instance with its own extensions dir, user data and workspace copy. */
export class CodeServer {
  constructor({ name, fixture, trusted }) {
    this.name = name;
    this.fixture = fixture;
    this.trusted = trusted;
    this.root = mkdtempSync(join(tmpdir(), `gl-e2e-${name}-`));
    this.extensionsDir = join(this.root, 'extensions');
    this.userDataDir = join(this.root, 'data');
    this.workspace = join(this.root, 'workspace');
    this.process = null;
    this.log = '';
  }

  prepare(vsixPath) {
    cpSync(this.fixture, this.workspace, { recursive: true });
    mkdirSync(join(this.userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(this.userDataDir, 'User', 'settings.json'),
      JSON.stringify(userSettings, null, 2),
    );
    const install = spawnSync(
      codeServerBin,
      [
        '--extensions-dir',
        this.extensionsDir,
        '--user-data-dir',
        this.userDataDir,
        '--install-extension',
        vsixPath,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (install.status !== 0) {
      throw new Error(`installing ${vsixPath} failed:\n${install.stdout}\n${install.stderr}`);
    }
    return install.stdout.trim();
  }

  async start() {
    this.port = await freePort();
    const args = [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${this.port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--extensions-dir',
      this.extensionsDir,
      '--user-data-dir',
      this.userDataDir,
      ...(this.trusted ? ['--disable-workspace-trust'] : []),
      this.workspace,
    ];
    // detached: its own process group, so stop() can end code-server and every child it spawned.
    this.process = spawn(codeServerBin, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk) => {
      this.log += chunk.toString();
    };
    this.process.stdout.on('data', append);
    this.process.stderr.on('data', append);
    await waitForHttp(`http://127.0.0.1:${this.port}/healthz`, 60_000, () => this.process.exitCode);
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  async stop({ keepFiles = false } = {}) {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      try {
        process.kill(-this.process.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-this.process.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Children (extension host, probe workers) share the group: make sure none outlive us.
    if (this.process) {
      try {
        process.kill(-this.process.pid, 'SIGKILL');
      } catch {
        // the group is empty: nothing left
      }
    }
    if (!keepFiles) rmSync(this.root, { recursive: true, force: true });
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, exitCode) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode() !== null) throw new Error(`code-server exited with ${exitCode()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}
