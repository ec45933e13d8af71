// The status line (version, instance, store, uptime) and the banners that must not be missed:
// a store that is spooling or down, degraded components, an API that stopped answering.
import { h } from '../dom.js';
import * as fmt from '../format.js';

/** @param {any} status */
export function statusView(status) {
  const store = status.store ?? { kind: 'unknown', state: 'down', detail: '' };
  const storeState = store.state === 'degraded' ? 'spooling' : store.state;
  return [
    h(
      'span',
      { class: 'status-item', title: 'Headroom version · instance (collector tag)' },
      `v${status.version} · ${status.instance}`,
    ),
    h(
      'span',
      {
        class: `status-item store store-${storeState}`,
        title: store.detail ?? '',
        data: { store: storeState },
      },
      h('i', { class: 'dot' }),
      `${store.kind} · ${storeState}`,
    ),
    h(
      'span',
      { class: 'status-item', title: 'uptime' },
      `up ${fmt.duration((status.uptimeSeconds ?? 0) * 1000)}`,
    ),
  ];
}

/** @param {any} status @param {string | null} apiError */
export function bannersView(status, apiError) {
  const out = [];
  if (apiError) out.push(h('div', { class: 'banner banner-bad', role: 'alert' }, apiError));
  const store = status?.store;
  if (store?.state === 'degraded') {
    out.push(
      h(
        'div',
        { class: 'banner banner-warn banner-loud', role: 'alert', data: { banner: 'spooling' } },
        h('strong', null, `SPOOLING: the ${store.kind} store is not taking writes. `),
        'Telemetry and decisions are kept on disk and will be replayed; charts lag until it recovers. ',
        h('span', { class: 'banner-detail' }, store.detail ?? ''),
      ),
    );
  } else if (store?.state === 'down') {
    out.push(
      h(
        'div',
        { class: 'banner banner-bad banner-loud', role: 'alert', data: { banner: 'store-down' } },
        h('strong', null, `STORE DOWN: ${store.kind}. `),
        store.detail ?? '',
      ),
    );
  }
  const degraded = (status?.components ?? []).filter(
    (/** @type {any} */ c) => c.state && c.state !== 'ok' && c.name !== 'store',
  );
  if (degraded.length > 0) {
    out.push(
      h(
        'div',
        { class: 'banner banner-warn' },
        h('strong', null, 'Degraded: '),
        degraded.map((/** @type {any} */ c) => `${c.name} (${c.detail || c.state})`).join(' · '),
      ),
    );
  }
  return out;
}
