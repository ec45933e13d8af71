import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pre-encoded request bodies written by main.ts, in order. */
export function readPayloads(dir: string): Buffer[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pb'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

/** Spans per request in every payload. */
export const SPANS_PER_REQUEST = 500;
