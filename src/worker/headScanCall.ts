/**
 * The host's calls of a head scan (issue 25): `headScanStart`, `headScanFile`, `headScanEnd`
 * over the engine channel, each under the client's watchdog (`EngineClient.scan`).
 */
import type { EngineApi, EngineEvent } from '../protocol/engine';
import type { Rpc } from '../protocol/rpc';
import type { EngineClient } from './engineClient';

type ScanMethod = 'headScanStart' | 'headScanFile' | 'headScanEnd';
type Channel = Rpc<EngineApi, Record<string, never>, EngineEvent>;

/** Calls `method` of the engine's head scans through `engine`. */
export function headScanCall<M extends ScanMethod>(
  engine: EngineClient,
  method: M,
  arg: Parameters<EngineApi[M]>[0],
): ReturnType<EngineApi[M]> {
  return engine.scan({
    ...('modelDir' in arg ? { dir: arg.modelDir } : {}),
    doing: 'file' in arg ? `scanning ${arg.file}` : 'scanning heads',
    run: (rpc: Channel) =>
      (rpc.call.bind(rpc) as (m: string, a: unknown) => Promise<unknown>)(method, arg),
  }) as ReturnType<EngineApi[M]>;
}
