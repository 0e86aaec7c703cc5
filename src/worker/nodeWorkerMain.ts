/** Entry of the engine worker under Node `worker_threads` (bundled to dist/engine.worker.js). */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { EngineWorkerOptions } from '../protocol/engine';
import { Engine } from '../engine/engine';
import { MAX_LOADED_MODELS } from '../engine/modelCache';
import { warmUpRuntime } from '../engine/inference/predictionGraph';
import { configureOrt } from '../engine/inference/ortRuntime';
import { nodeModelFiles } from '../engine/folder/nodeModelFiles';
import { serveEngine } from './engineService';
import { nodePortEndpoint } from './nodePortEndpoint';

const port = parentPort;
if (!port) throw new Error('engine.worker.js must run as a worker thread.');
const options = workerData as EngineWorkerOptions;
const threads = configureOrt(pathToFileURL(options.wasmDir).href, options.numThreads);
// The worker starts for a run: compile the runtime while that run's request is on its way.
void warmUpRuntime();
// Every request takes its turn here, so models no longer used can be released unasked.
const engine = new Engine(nodeModelFiles, options.surface, MAX_LOADED_MODELS);
serveEngine(nodePortEndpoint(port), engine, threads);
