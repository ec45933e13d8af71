// DOM helpers. Every piece of text from the API (tags, summaries, reasons come from telemetry
// and operators) goes through textContent or an attribute set by property: never innerHTML.

/**
 * Creates an element. `props`: `class`, `data` (dataset entries), `title`, `on` (event
 * listeners), any other key is set as an attribute. Children: nodes, strings (text nodes),
 * numbers, or null/undefined/false (skipped); arrays are flattened.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'data') Object.assign(el.dataset, value);
    else if (key === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === 'title') el.title = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Node} parent @param {unknown[]} children */
function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. @param {Element} el @param {...unknown} children */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

/** A small "nothing here" block. @param {string} title @param {string} [hint] */
export function empty(title, hint) {
  return h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-title' }, title),
    hint && h('div', { class: 'empty-hint' }, hint),
  );
}

/** A coloured label. @param {string} text @param {string} kind */
export function badge(text, kind) {
  return h('span', { class: `badge badge-${kind}` }, text);
}
