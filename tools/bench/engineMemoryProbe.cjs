/**
 * Preloaded into the engine process by memoryFlatBench.ts (NODE_OPTIONS=--expose-gc
 * --require this file): on SIGUSR2 it collects garbage and writes what the process holds
 * alive to $ENGINE_MEMORY_PROBE_DIR/<pid>.json: V8's heap (used and reserved), ArrayBuffers,
 * and onnxruntime-web's WASM heap (the Memory its module instantiated with; it only grows).
 * Resident memory alone cannot tell a leak from an allocator keeping freed pages. Bench only.
 */
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.ENGINE_MEMORY_PROBE_DIR;
if (dir && (process.argv[1] ?? '').endsWith('engine.process.js')) {
  const memories = [];
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async (...args) => {
    const made = await instantiate.apply(WebAssembly, args);
    const exports = (made.instance ?? made).exports ?? {};
    const imports = Object.values(args[1] ?? {}).flatMap((m) => Object.values(m ?? {}));
    for (const value of [...Object.values(exports), ...imports]) {
      if (value instanceof WebAssembly.Memory && !memories.includes(value)) memories.push(value);
    }
    return made;
  };
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    const usage = process.memoryUsage();
    const wasmBytes = memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
    writeFileSync(
      join(dir, `${process.pid}.json`),
      JSON.stringify({
        heapUsedBytes: usage.heapUsed,
        heapTotalBytes: usage.heapTotal,
        arrayBuffersBytes: usage.arrayBuffers,
        wasmBytes,
      }),
    );
  });
}
