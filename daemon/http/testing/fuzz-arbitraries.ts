import fc from 'fast-check';
import type { RegisteredOperation } from '../api-registry.js';

/** One fuzzed request: the operation's example request with one thing made wrong. */
export interface FuzzCase {
  /** Encoded query string (without `?`). */
  query: string;
  /** Encoded path parameter values. */
  pathValues: Record<string, string>;
  /** JSON text of the body, when the operation takes one. */
  bodyText?: string;
  /** What was changed: a query parameter, path parameter, body field, or the whole body. */
  target: { kind: 'query' | 'param' | 'body'; key: string } | { kind: 'whole-body'; keys: readonly string[] };
  describe: string;
}

/** Keys that have hurt JavaScript servers before (prototype pollution, bracket parsing). */
const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'a[b]',
  'x[]',
  '',
];

const junkString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1.5',
    '1e309',
    'NaN',
    'Infinity',
    'true',
    'null',
    '[]',
    '{}',
    '\u0000',
    '\ud800',
    '☃🙂𝌆',
    'now-',
    'now-99999999w',
    '2026-13-45T99:99:99Z',
    '9'.repeat(40),
    '__proto__',
    '../../etc/passwd',
    "' OR 1=1 --",
    '"; DROP MEASUREMENT api_calls',
  ),
  fc.integer({ min: 500, max: 7_000 }).map((n) => 'x'.repeat(n)),
);

/** Path segment values that do not address a path parameter at all. */
const DOT_SEGMENTS = new Set(['', '.', '..']);

/** Percent sequences that do not decode (or decode to nonsense). */
const rawEscapes = fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%C0%80', '%00', '%u2603', '%FF%FE');

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number, key: string): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = withKey({}, key, v);
  return v;
}

/** Sets an own enumerable property, `__proto__` included (JSON.stringify then writes it). */
function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const jsonJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, '', [], {}),
  junkString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(junkString, { minLength: 1, maxLength: 4 }),
  fc.integer({ min: 50, max: 3_000 }).map(deepArray),
  fc
    .tuple(fc.integer({ min: 50, max: 2_000 }), fc.constantFrom('a', '__proto__', 'constructor'))
    .map(([d, k]) => deepObject(d, k)),
  fc.constant(withKey({}, '__proto__', { polluted: true })),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
);

/** Lone surrogates cannot be percent-encoded; a client would send U+FFFD. */
function encode(text: string): string {
  return encodeURIComponent(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

function queryString(query: Record<string, readonly string[]>, raw = ''): string {
  const parts = Object.entries(query).flatMap(([k, values]) =>
    values.map((v) => `${encode(k)}=${encode(v)}`),
  );
  if (raw) parts.push(raw);
  return parts.join('&');
}

function shapeKeys(schema: { shape?: Record<string, unknown> } | undefined): string[] {
  return Object.keys(schema?.shape ?? {});
}

function keyName(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constantFrom(...DANGEROUS_KEYS),
    },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) },
  );
}

const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…(${text.length})` : text;
};

/**
 * Fuzzed requests for one operation, built from its documented example: one query parameter,
 * path parameter or body field set to junk (wrong types, huge or odd unicode strings, arrays
 * where a scalar is expected, deep nesting, prototype-pollution keys, bad percent-encoding) or
 * removed, or the whole body replaced.
 */
export function fuzzCase(op: RegisteredOperation): fc.Arbitrary<FuzzCase> {
  const example = op.examples.request ?? {};
  const baseQuery: Record<string, readonly string[]> = Object.fromEntries(
    Object.entries(example.query ?? {}).map(([k, v]) => [k, typeof v === 'string' ? [v] : v]),
  );
  const baseParams = Object.fromEntries(
    Object.entries(example.params ?? {}).map(([k, v]) => [k, encode(v)]),
  ) as Record<string, string>;
  const baseBody = (example.body ?? (op.body ? {} : undefined)) as Record<string, unknown> | undefined;
  const bodyText = baseBody === undefined ? undefined : JSON.stringify(baseBody);
  const base = {
    query: queryString(baseQuery),
    pathValues: baseParams,
    ...(bodyText !== undefined ? { bodyText } : {}),
  };

  const queryKeys = shapeKeys(op.query);
  const cases: fc.Arbitrary<FuzzCase>[] = [
    fc
      .tuple(
        keyName(queryKeys),
        fc.oneof(
          junkString.map((v) => [v]),
          fc.array(junkString, { minLength: 2, maxLength: 4 }),
        ),
      )
      .map(([key, values]) => ({
        ...base,
        query: queryString({ ...baseQuery, [key]: values }),
        target: { kind: 'query' as const, key },
        describe: `query ${key}=${short(values)}`,
      })),
    fc.tuple(keyName(queryKeys), rawEscapes).map(([key, raw]) => {
      const rest = Object.fromEntries(Object.entries(baseQuery).filter(([k]) => k !== key));
      return {
        ...base,
        query: queryString(rest, `${encode(key)}=${raw}`),
        target: { kind: 'query' as const, key },
        describe: `query ${key}=${raw} (raw)`,
      };
    }),
  ];
  if (queryKeys.length > 0) {
    cases.push(
      fc.constantFrom(...queryKeys).map((key) => ({
        ...base,
        query: queryString(Object.fromEntries(Object.entries(baseQuery).filter(([k]) => k !== key))),
        target: { kind: 'query' as const, key },
        describe: `query without ${key}`,
      })),
    );
  }
  for (const key of shapeKeys(op.params)) {
    cases.push(
      fc
        .oneof(junkString.map(encode), rawEscapes, fc.constantFrom('%2F', '%5C', '%2F..%2F', '..x'))
        // An empty or dot segment is not this operation's path: the URL normalises it away
        // (`/targets/` is the list, `/targets/..` is `/`), so another route rightly answers.
        .filter((value) => !DOT_SEGMENTS.has(value))
        .map((value) => ({
          ...base,
          pathValues: { ...baseParams, [key]: value },
          target: { kind: 'param' as const, key },
          describe: `path ${key}=${short(value)}`,
        })),
    );
  }
  if (baseBody !== undefined) {
    const bodyKeys = [
      ...new Set([...shapeKeys(op.body as { shape?: Record<string, unknown> }), ...Object.keys(baseBody)]),
    ];
    cases.push(
      fc.tuple(keyName(bodyKeys), jsonJunk).map(([key, value]) => ({
        ...base,
        bodyText: JSON.stringify(withKey({ ...baseBody }, key, value)),
        target: { kind: 'body' as const, key },
        describe: `body ${key}: ${short(value)}`,
      })),
      fc.constantFrom(...Object.keys(baseBody), ...bodyKeys).map((key) => {
        const { [key]: _removed, ...rest } = baseBody;
        return {
          ...base,
          bodyText: JSON.stringify(rest),
          target: { kind: 'body' as const, key },
          describe: `body without ${key}`,
        };
      }),
      fc
        .oneof(jsonJunk, fc.constantFrom('{"a":', '', 'null', '"text"', '[1,2', '{"a":1}{"b":2}'))
        .map((value) => {
          const text =
            typeof value === 'string' && /^[[{"n]|^$/.test(value) && !isJson(value)
              ? value
              : JSON.stringify(value);
          const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
          return {
            ...base,
            bodyText: text ?? '',
            target: { kind: 'whole-body' as const, keys: [...keys, ...bodyKeys] },
            describe: `body ${short(text)}`,
          };
        }),
    );
  }
  return fc.oneof(...cases);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
