// The end-to-end cases: each one is something a user does and sees.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitUntil } from './lib/workbench.mjs';

export const trustedCases = [
  {
    name: 'the extension activates and logs to its output channel',
    async run({ wb, page, artifacts }) {
      await wb.openFile('deep-sigmoid.js');
      await wb.runCommand('Gradient Lens: Show Output');
      await waitUntil('the activation line in the output channel', async () =>
        (await page.locator('.panel .view-lines').allTextContents())
          .join('\n')
          .replace(/\u00a0/g, ' ')
          .includes('Gradient Lens activated'),
      );
      await wb.screenshot(join(artifacts, 'activation.png'));
    },
  },
];

export const untrustedCases = [];
