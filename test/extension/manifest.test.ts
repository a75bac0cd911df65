import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const docs = readFileSync(join(root, 'docs', 'extension.md'), 'utf8');
const extensionSource = readdirSync(join(root, 'src', 'extension'))
  .map((f) => readFileSync(join(root, 'src', 'extension', f), 'utf8'))
  .join('\n');

test('every contributed command is registered by the extension', () => {
  for (const { command } of pkg.contributes.commands) {
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
    assert.ok(
      extensionSource.includes(`'${key.replace('gradientLens.', '')}'`),
      `${key} is read by the extension`,
    );
  }
});

test('activation, workspace trust and the fix-all kind are declared', () => {
  assert.deepEqual(pkg.activationEvents, [
    'onLanguage:javascript',
    'onLanguage:typescript',
    'onLanguage:javascriptreact',
    'onLanguage:typescriptreact',
  ]);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(extensionSource.includes("SourceFixAll.append('gradientLens')"));
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
