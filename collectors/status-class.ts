/** `status_class` values: HTTP classes, `429` on its own (quota exhaustion), or non-HTTP outcomes. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '429' | '5xx' | 'ok' | 'error';

const HTTP_CLASSES: readonly StatusClass[] = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * Classifies one call. The rule, shared by every collector:
 * - with an HTTP status: 5xx and 429 are errors; other 4xx are not (the caller's request was
 *   wrong: `404` lookups and validation failures are not the provider failing), even when the
 *   instrumentation marked the span ERROR as HTTP client semantic conventions ask for 4xx;
 *   1xx–3xx are errors only when the span says so (e.g. the body failed after the headers).
 * - without one: an error when the span status is ERROR or `error.type` is set (`error`),
 *   otherwise `ok`.
 * 429 gets its own class so that quota exhaustion stays visible next to 4xx and 5xx.
 */
export function classifyStatus(
  httpStatus: number,
  spanError: boolean,
): { statusClass: StatusClass; isError: boolean } {
  if (httpStatus >= 100 && httpStatus <= 599) {
    if (httpStatus === 429) return { statusClass: '429', isError: true };
    const statusClass = HTTP_CLASSES[Math.floor(httpStatus / 100)] ?? 'error';
    if (httpStatus >= 500) return { statusClass, isError: true };
    if (httpStatus >= 400) return { statusClass, isError: false };
    return { statusClass, isError: spanError };
  }
  return spanError ? { statusClass: 'error', isError: true } : { statusClass: 'ok', isError: false };
}

/** Cached results so the hot path allocates nothing: index = status·2 + error. */
const TABLE: { statusClass: StatusClass; isError: boolean }[] = [];
for (let s = 0; s < 600; s++) {
  TABLE.push(classifyStatus(s, false), classifyStatus(s, true));
}

/** Same as classifyStatus, without allocating. */
export function statusOutcome(
  httpStatus: number,
  spanError: boolean,
): { readonly statusClass: StatusClass; readonly isError: boolean } {
  const i = httpStatus >= 0 && httpStatus < 600 ? Math.floor(httpStatus) : 0;
  return TABLE[i * 2 + (spanError ? 1 : 0)]!;
}
