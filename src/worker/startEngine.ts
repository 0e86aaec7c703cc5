/** Starts the engine behind any endpoint: the one body of the worker and the child process entries. */
import { pathToFileURL } from 'node:url';
import type { EngineWorkerOptions } from '../protocol/engine';
import type { MessageEndpoint } from '../protocol/rpc';
import { Engine } from '../engine/engine';
import { MAX_LOADED_MODELS } from '../engine/modelCache';
import { warmUpRuntime } from '../engine/inference/predictionGraph';
import { configureOrt } from '../engine/inference/ortRuntime';
import { nodeModelFiles } from '../engine/folder/nodeModelFiles';
import { serveEngine } from './engineService';

export function startEngine(endpoint: MessageEndpoint, options: EngineWorkerOptions): void {
  const threads = configureOrt(pathToFileURL(options.wasmDir).href, options.numThreads);
  // The engine starts for a run: compile the runtime while that run's request is on its way.
  void warmUpRuntime();
  // Every request takes its turn here, so models no longer used can be released unasked.
  const engine = new Engine(nodeModelFiles, options.surface, MAX_LOADED_MODELS, {
    whatMoves: options.whatMoves ?? true,
  });
  serveEngine(endpoint, engine, threads);
}
