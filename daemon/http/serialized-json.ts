import { createHash } from 'node:crypto';

/**
 * A JSON response body serialised once: a handler returns it instead of a value when the same
 * body is served many times (defineRoute sends the text as it is, with its ETag), so that
 * neither JSON.stringify nor the ETag hash runs per request.
 */
export class SerializedJson {
  readonly text: string;
  /** Weak validator of the text (express computes the same kind for `res.json`). */
  readonly etag: string;

  constructor(value: unknown) {
    this.text = JSON.stringify(value);
    this.etag = `W/"${createHash('sha1').update(this.text).digest('base64url')}"`;
  }
}
