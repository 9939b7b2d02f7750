/** Children `h` accepts: elements, text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element with attributes (`class`, `data-*`, `aria-*`, …; `false`/`null` leaves one
 * out) and children. Text is always set as text, never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | null | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children to `parent`, text as text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** The element with `id`. @throws Error when the page lacks it (a bug in the page). */
export function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/** The element with `id`, which must be a `type` (e.g. `HTMLFormElement`). @throws Error otherwise. */
export function byIdOf<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = byId(id);
  if (!(found instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return found;
}

/** Sets `element`'s text only when it changes, so live regions announce changes only. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** `1h 02m`, `3m 12s`, `45s`, `850 ms`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A time as the reader's clock shows it, e.g. `14:03:07`. */
export function clock(iso: string | null): string {
  return iso === null ? '–' : new Date(iso).toLocaleTimeString();
}

/** A table body's rows, replaced whole; `empty` is one full-width row when there are none. */
export function fillRows(
  body: HTMLTableSectionElement,
  rows: HTMLTableRowElement[],
  empty: string,
): void {
  const columns = body.parentElement?.querySelectorAll('thead th').length ?? 1;
  body.replaceChildren(
    ...(rows.length > 0
      ? rows
      : [h('tr', {}, h('td', { colspan: columns, class: 'empty' }, empty))]),
  );
}
