import type { ModuleFactory } from '../module.js';
import { createCollectorsModule } from './collectors.js';

/**
 * The daemon's modules in build/start order (later ones may use services of earlier ones). Each
 * entry is a literal; nothing registers itself by import side effect.
 */
export const MODULES: readonly { readonly name: string; readonly create: ModuleFactory }[] = [
  { name: 'collectors', create: createCollectorsModule },
];
