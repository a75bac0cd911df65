/**
 * A real non-VS Code client: headless Neovim (Debian's 0.7 package, its built-in LSP client)
 * starts `gradient-lens lsp --stdio` the way docs/editors.md tells users to, opens a deep-sigmoid
 * model and must see the server's diagnostics through vim.diagnostic.get.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEEP_SIGMOID } from './fixtures';
import { BIN } from './lsp-client';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const skip =
  nvim.status === 0 ? false : 'nvim is not installed (scripts/neovim-setup.sh installs it)';

const INIT = (bin: string, out: string) => `
-- Runs once the file given on the command line is loaded (init.lua runs before that).
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
local client_id = vim.lsp.start_client({
  name = 'gradient-lens',
  cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(bin)}, 'lsp', '--stdio' },
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(0, client_id)
local found = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format('%d\\t%s\\t%s', d.lnum, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)), d.message))
end
if not found then table.insert(lines, 'TIMEOUT') end
vim.fn.writefile(lines, ${JSON.stringify(out)})
vim.lsp.stop_client(client_id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
vim.cmd('qa!')
end })
`;

describe('headless Neovim', { skip }, () => {
  it('shows the diagnostics of a deep-sigmoid model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-nvim-'));
    try {
      const file = join(dir, 'classifier.js');
      const out = join(dir, 'diagnostics.txt');
      writeFileSync(file, DEEP_SIGMOID);
      writeFileSync(join(dir, 'init.lua'), INIT(BIN, out));
      const run = spawnSync('nvim', ['--headless', '-n', '-u', join(dir, 'init.lua'), file], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, XDG_STATE_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir },
      });
      assert.equal(run.error, undefined, String(run.error));
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      assert.ok(!lines.includes('TIMEOUT'), `no diagnostics in Neovim: ${run.stderr}`);
      const codes = lines.map((l) => l.split('\t')[1]);
      assert.ok(codes.includes('saturating-activation'), lines.join('\n'));
      assert.ok(codes.includes('deep-without-normalization'), lines.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
