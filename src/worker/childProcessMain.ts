/**
 * Entry of the engine in a child process (bundled to dist/engine.process.js), started by
 * childProcessHandle.ts with its options as the first argument.
 */
import type { EngineWorkerOptions } from '../protocol/engine';
import { exhaustingMemoryIfAsked } from './memoryExhaustion';
import { processEndpoint } from './processEndpoint';
import { startEngine } from './startEngine';
import { tierUpLate } from './wasmTiering';

if (!process.send) throw new Error('engine.process.js must be started by child_process.fork.');
// The host is gone (closed, crashed, killed): so is the reason to run.
process.on('disconnect', () => process.exit(0));
tierUpLate();
const options = JSON.parse(process.argv[2] ?? '{}') as EngineWorkerOptions;
startEngine(exhaustingMemoryIfAsked(processEndpoint(process)), options);
