import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES } from '../../src/server/protocol';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const docs = readFileSync(join(root, 'docs', 'extension.md'), 'utf8');
const sourcesOf = (dir: string) =>
  readdirSync(join(root, 'src', dir))
    .map((f) => readFileSync(join(root, 'src', dir, f), 'utf8'))
    .join('\n');
const extensionSource = sourcesOf('extension');
const serverSource = sourcesOf('server');

test('every contributed command is registered by the extension, or run by the server', () => {
  // The server's executeCommandProvider commands are registered in VS Code by the language client.
  const byServer = /executeCommandProvider: \{ commands: \[([^\]]*)\]/.exec(serverSource)?.[1];
  assert.match(byServer ?? '', /SHOW_DOCS_COMMAND/);
  for (const { command } of pkg.contributes.commands) {
    if (command === 'gradientLens.showRuleDocs') {
      assert.match(serverSource, /SHOW_DOCS_COMMAND = 'gradientLens\.showRuleDocs'/);
      continue;
    }
    const registered = new RegExp(`registerCommand\\(\\s*'${command.replace('.', '\\.')}'`);
    assert.match(extensionSource, registered, `${command} is registered`);
  }
});

test('every command shown in the palette is documented', () => {
  const hidden = new Set(
    pkg.contributes.menus.commandPalette
      .filter((m: { when: string }) => m.when === 'false')
      .map((m: { command: string }) => m.command),
  );
  for (const c of pkg.contributes.commands) {
    if (!hidden.has(c.command))
      assert.ok(docs.includes(`${c.category}: ${c.title}`), `"${c.title}" in docs/extension.md`);
  }
});

test('every setting has a default and a description, is resource-scoped and documented', () => {
  const properties = Object.entries(pkg.contributes.configuration.properties) as [
    string,
    Record<string, unknown>,
  ][];
  assert.ok(properties.length >= 15);
  for (const [key, spec] of properties) {
    assert.ok('default' in spec, `${key} has a default`);
    assert.ok(
      typeof (spec.description ?? spec.markdownDescription) === 'string',
      `${key} has a description`,
    );
    assert.equal(spec.scope, 'resource', `${key} is read per resource`);
    assert.ok(docs.includes(`\`${key}\``), `${key} in docs/extension.md`);
    const name = `'${key.replace('gradientLens.', '')}'`;
    assert.ok(
      extensionSource.includes(name) || serverSource.includes(name),
      `${key} is read by the extension or the server`,
    );
  }
});

test('activation, workspace trust and the fix-all kind are declared', () => {
  // The extension activates on exactly the languages its client hands to the server.
  assert.deepEqual(
    pkg.activationEvents,
    LANGUAGES.map((language) => `onLanguage:${language}`),
  );
  assert.ok(LANGUAGES.includes('html') && LANGUAGES.includes('python'));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(serverSource.includes("FIX_ALL_KIND = 'source.fixAll.gradientLens'"));
});

test('the directive grammar is injected into JS and TS and names the directive scope', () => {
  const grammar = pkg.contributes.grammars[0];
  assert.deepEqual(grammar.injectTo, ['source.js', 'source.ts', 'source.js.jsx', 'source.tsx']);
  const text = JSON.parse(readFileSync(join(root, grammar.path), 'utf8'));
  const begin = new RegExp(text.repository.directive.begin.replace('(?<=//|/\\*|^|\\s)', ''));
  for (const directive of [
    'gradient-lens-disable',
    'gradient-lens-disable-line',
    'gradient-lens-disable-next-line',
  ]) {
    assert.equal(begin.exec(` ${directive} rule-a`)?.[1], directive);
  }
  assert.equal(begin.exec(' gradient-lens-disabled'), null);
});
