/**
 * The worker's head scans (issue 25): each scan lives here between the host's calls, and each
 * file takes its turn in the inspections' lane, so an inspection or a hover asked for during
 * a long scan runs between two files. Ending a scan does not wait for its turn: the file
 * being scored stops at its next window.
 */
import type { Engine } from '../engine/engine';
import { EngineRunError } from '../engine/errors';
import type { HeadScan } from '../engine/heads/headScan';
import type { EngineApi } from '../protocol/engine';
import type { RunTurns } from './runTurns';

type ScanApi = Pick<EngineApi, 'headScanStart' | 'headScanFile' | 'headScanEnd'>;

export function serveHeadScans(engine: Engine, turns: RunTurns): ScanApi {
  const scans = new Map<number, HeadScan>();
  const scanOf = (scanId: number): HeadScan => {
    const scan = scans.get(scanId);
    if (!scan) throw new EngineRunError(`Head scan ${scanId} has ended.`, 'cancelled');
    return scan;
  };
  return {
    async headScanStart({ scanId, modelDir, variant, options }) {
      const done = await turns.next();
      try {
        const scan = await engine.startHeadScan(modelDir, options, variant);
        scans.set(scanId, scan);
        return scan.plan;
      } finally {
        done();
      }
    },
    async headScanFile({ scanId, file, text }) {
      const done = await turns.next();
      try {
        const scan = scanOf(scanId);
        const result = await scan.addFile(file, text, () => !scans.has(scanId));
        return { ...result, tokensLeft: scan.tokensLeft };
      } finally {
        done();
      }
    },
    async headScanEnd({ scanId }) {
      const scan = scanOf(scanId);
      scans.delete(scanId);
      return scan.result();
    },
  };
}
