import type { Store } from '../core/store.js';

/** The records part of the Store that alerts use. */
export type RecordStore = Pick<Store, 'putRecords' | 'queryRecords'>;
