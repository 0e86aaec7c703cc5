/** Entry of the engine worker under Node `worker_threads` (bundled to dist/engine.worker.js). */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineWorkerOptions } from '../protocol/engine';
import { nodePortEndpoint } from './nodePortEndpoint';
import { startEngine } from './startEngine';

const port = parentPort;
if (!port) throw new Error('engine.worker.js must run as a worker thread.');
startEngine(nodePortEndpoint(port), workerData as EngineWorkerOptions);
