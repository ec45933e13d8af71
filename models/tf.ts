import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import type { Logger } from '../core/logger.js';

/**
 * The one TensorFlow.js entry point (DESIGN.md "Models"): every model imports `tf` from here and
 * awaits `initTf()` before building a graph, so one module decides the backend.
 */
export const tf = tfjs;

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<TfBackendName> | undefined;

/**
 * Picks the backend once per process, in order: `@tensorflow/tfjs-node` (native libtensorflow,
 * an optional dependency that often fails to install offline), then the WASM backend with SIMD
 * and without threads (its .wasm files are read from node_modules, no network), then the pure-JS
 * CPU backend. HEADROOM_TF_BACKEND=tensorflow|wasm|cpu forces a choice (falls through when that
 * backend cannot load). Logs the result at info level once. Idempotent and safe to call
 * concurrently.
 */
export function initTf(logger?: Logger): Promise<TfBackendName> {
  chosen ??= choose(logger);
  return chosen;
}

/** The backend in use, or undefined before `initTf` resolved. */
export function tfBackendName(): string | undefined {
  return chosen ? tfjs.getBackend() : undefined;
}

async function choose(logger?: Logger): Promise<TfBackendName> {
  const forced = process.env.HEADROOM_TF_BACKEND as TfBackendName | undefined;
  const order: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];
  const tries = forced && order.includes(forced) ? [forced, ...order.filter((b) => b !== forced)] : order;
  const failures: string[] = [];
  for (const name of tries) {
    try {
      if (await tryBackend(name)) {
        logger?.info({ backend: name, skipped: failures }, `tensorflow.js backend: ${name}`);
        return name;
      }
      failures.push(`${name}: not available`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message?.split('\n')[0] ?? String(err)}`);
    }
  }
  throw new Error(`no tensorflow.js backend could start (${failures.join('; ')})`);
}

async function tryBackend(name: TfBackendName): Promise<boolean> {
  if (name === 'tensorflow') {
    // Registers the 'tensorflow' backend with the shared tfjs-core when libtensorflow is present.
    const moduleName = '@tensorflow/tfjs-node';
    await import(moduleName);
    return (await tfjs.setBackend('tensorflow')) && tfjs.getBackend() === 'tensorflow';
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    // usePlatformFetch=false: Node's fetch cannot read file paths; emscripten reads them with fs.
    wasm.setWasmPaths(dist, false);
    tfjs.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tfjs.env().set('WASM_HAS_SIMD_SUPPORT', true);
  }
  const ok = await tfjs.setBackend(name);
  await tfjs.ready();
  return ok && tfjs.getBackend() === name;
}
