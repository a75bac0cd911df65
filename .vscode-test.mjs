// `npm run test:vscode`: the API-level end-to-end suite in a VS Code downloaded by
// @vscode/test-electron (needs internet; CI here runs the code-server suite, test/e2e, instead).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'gradient-lens',
  files: 'out/test/vscode/**/*.spec.js',
  workspaceFolder: './test/fixtures/e2e-workspace',
  mocha: { ui: 'tdd', timeout: 120_000 },
  launchArgs: ['--disable-workspace-trust'],
});
