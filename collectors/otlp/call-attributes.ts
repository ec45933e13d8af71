import { hostOfUrl, pathOfUrl, stripPort } from '../url-parts.js';
import { anyValueInt, anyValueString, listOf } from './values.js';

// Attribute keys the rollup reads, current semantic conventions first, then the older names.
const SERVER_ADDRESS = 1;
const NET_PEER_NAME = 2;
const HTTP_HOST = 3;
const URL_FULL = 4;
const HTTP_URL = 5;
const HTTP_REQUEST_METHOD = 6;
const HTTP_METHOD = 7;
const HTTP_RESPONSE_STATUS_CODE = 8;
const HTTP_STATUS_CODE = 9;
const ERROR_TYPE = 10;
const URL_TEMPLATE = 11;
const HTTP_ROUTE = 12;
const PEER_SERVICE = 13;
const URL_PATH = 14;
const HTTP_TARGET = 15;
const RPC_SERVICE = 16;
const RPC_METHOD = 17;
const CLOUD_REGION = 18;

/**
 * The code of an attribute key, 0 for keys the rollup ignores. Compares by length first and then
 * content: cheaper than hashing every (freshly decoded) key string for a Map lookup.
 */
function keyCode(key: string): number {
  switch (key.length) {
    case 8:
      return key === 'url.full'
        ? URL_FULL
        : key === 'http.url'
          ? HTTP_URL
          : key === 'url.path'
            ? URL_PATH
            : 0;
    case 9:
      return key === 'http.host' ? HTTP_HOST : 0;
    case 10:
      return key === 'error.type'
        ? ERROR_TYPE
        : key === 'http.route'
          ? HTTP_ROUTE
          : key === 'rpc.method'
            ? RPC_METHOD
            : 0;
    case 11:
      return key === 'http.method'
        ? HTTP_METHOD
        : key === 'http.target'
          ? HTTP_TARGET
          : key === 'rpc.service'
            ? RPC_SERVICE
            : 0;
    case 12:
      return key === 'url.template'
        ? URL_TEMPLATE
        : key === 'peer.service'
          ? PEER_SERVICE
          : key === 'cloud.region'
            ? CLOUD_REGION
            : 0;
    case 13:
      return key === 'net.peer.name' ? NET_PEER_NAME : 0;
    case 14:
      return key === 'server.address' ? SERVER_ADDRESS : 0;
    case 16:
      return key === 'http.status_code' ? HTTP_STATUS_CODE : 0;
    case 19:
      return key === 'http.request.method' ? HTTP_REQUEST_METHOD : 0;
    case 25:
      return key === 'http.response.status_code' ? HTTP_RESPONSE_STATUS_CODE : 0;
    default:
      return 0;
  }
}

/**
 * The call-describing attributes of one span or metric data point, read in one pass and
 * resolved by semantic-convention precedence (current names win over the older ones):
 * - host: `server.address` > `net.peer.name` > host of `url.full` > host of `http.url` >
 *   `http.host` (port stripped). Only the host is kept, never the URL.
 * - method: `http.request.method` > `http.method`.
 * - status: `http.response.status_code` > `http.status_code`.
 * - template: `url.template` > `http.route` > `rpc.service/rpc.method`.
 * - path (only for the normalised fallback): `url.path` > path of `url.full` > `http.target` >
 *   path of `http.url`.
 * - region of the called destination: `cloud.region` on the call itself (semantic conventions:
 *   "when calling services or APIs deployed on a cloud, ... the region where the called
 *   destination is deployed"), which wins over the caller's resource `cloud.region`.
 * One instance is reused for every span of a request (no allocation per span).
 */
export class CallAttributes {
  private readonly strings: string[] = new Array<string>(19).fill('');
  private statusNew = Number.NaN;
  private statusOld = Number.NaN;

  /** Reads an OTLP attribute list (KeyValue[]), replacing what was read before. */
  read(attributes: unknown): void {
    const s = this.strings;
    for (let i = 1; i < s.length; i++) s[i] = '';
    this.statusNew = Number.NaN;
    this.statusOld = Number.NaN;
    const list = listOf(attributes);
    for (let i = 0; i < list.length; i++) {
      const kv = list[i] as { key?: unknown; value?: unknown } | null;
      if (typeof kv !== 'object' || kv === null || typeof kv.key !== 'string') continue;
      const code = keyCode(kv.key);
      if (code === 0) continue;
      if (code === HTTP_RESPONSE_STATUS_CODE) this.statusNew = anyValueInt(kv.value);
      else if (code === HTTP_STATUS_CODE) this.statusOld = anyValueInt(kv.value);
      else s[code] = anyValueString(kv.value);
    }
  }

  host(): string {
    const s = this.strings;
    if (s[SERVER_ADDRESS]) return s[SERVER_ADDRESS].toLowerCase();
    if (s[NET_PEER_NAME]) return s[NET_PEER_NAME].toLowerCase();
    if (s[URL_FULL]) return hostOfUrl(s[URL_FULL]);
    if (s[HTTP_URL]) return hostOfUrl(s[HTTP_URL]);
    if (s[HTTP_HOST]) return stripPort(s[HTTP_HOST]).toLowerCase();
    return '';
  }

  method(): string {
    return this.strings[HTTP_REQUEST_METHOD] || this.strings[HTTP_METHOD] || '';
  }

  /** HTTP status code, or NaN. */
  status(): number {
    return Number.isFinite(this.statusNew) ? this.statusNew : this.statusOld;
  }

  errorType(): string {
    return this.strings[ERROR_TYPE] ?? '';
  }

  peerService(): string {
    return this.strings[PEER_SERVICE] ?? '';
  }

  /** Region of the called destination (`cloud.region` on the call), or ''. */
  calleeRegion(): string {
    return this.strings[CLOUD_REGION] ?? '';
  }

  /** A low-cardinality endpoint template given by instrumentation, or ''. */
  template(): string {
    const s = this.strings;
    if (s[URL_TEMPLATE]) return s[URL_TEMPLATE];
    if (s[HTTP_ROUTE]) return s[HTTP_ROUTE];
    if (s[RPC_SERVICE] && s[RPC_METHOD]) return `${s[RPC_SERVICE]}/${s[RPC_METHOD]}`;
    return '';
  }

  /** The raw URL path (for the normalised fallback only), or ''. */
  path(): string {
    const s = this.strings;
    if (s[URL_PATH]) return s[URL_PATH];
    if (s[URL_FULL]) return pathOfUrl(s[URL_FULL]);
    if (s[HTTP_TARGET]) return pathOfUrl(s[HTTP_TARGET]);
    if (s[HTTP_URL]) return pathOfUrl(s[HTTP_URL]);
    return '';
  }
}
