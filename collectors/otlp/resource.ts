import { anyValueString, listOf } from './values.js';

/** The service name OpenTelemetry SDKs use when none is configured. */
export const UNKNOWN_SERVICE = 'unknown_service';

/** `service` and `region` tags from a Resource: `service.name` and `cloud.region`. */
export function readResource(resource: unknown): { service: string; region: string } {
  let service = '';
  let region = '';
  const attributes = listOf((resource as { attributes?: unknown } | null | undefined)?.attributes);
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i] as { key?: unknown; value?: unknown } | null;
    if (kv?.key === 'service.name') service = anyValueString(kv.value);
    else if (kv?.key === 'cloud.region') region = anyValueString(kv.value);
  }
  return { service: service || UNKNOWN_SERVICE, region };
}
