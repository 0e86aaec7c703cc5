import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOutFile } from '../../../src/cli/outFile';

describe("openOutFile (the CLI's --out)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-outfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for drain many times without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const path = join(dir, 'big.json');
      const out = await openOutFile(path);
      const chunk = 'x'.repeat(1 << 20); // each write exceeds the 16 kB high-water mark: a drain wait
      for (let i = 0; i < 40; i++) await out.write(chunk);
      await out.commit();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(readFileSync(path, 'utf8').length, 40 << 20);
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
