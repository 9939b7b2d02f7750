import type { MetricsState, ServiceState, ServiceView } from '../shared/api.js';
import { byId, byIdOf, duration, h } from './dom.js';

const STATE_TEXT: Record<ServiceState, string> = {
  SERVING: 'Serving',
  NOT_SERVING: 'Not serving',
  UNREACHABLE: 'Unreachable',
};

const METRICS_TEXT: Record<MetricsState, string> = {
  SCRAPED: 'metrics read',
  NO_ADDRESS: 'no metrics address',
  UNREACHABLE: 'metrics unreachable',
};

/** The health strip: one card per service and gateway instance, its state in words and colour. */
export function renderServices(services: readonly ServiceView[]): void {
  const list = byIdOf('services', HTMLUListElement);
  list.replaceChildren(
    ...services.map((s) =>
      h(
        'li',
        {
          class: `service state-${s.status.toLowerCase()}`,
          'data-service': s.name,
          'data-status': s.status,
        },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('span', { class: 'service-name' }, s.name),
        h('span', { class: 'service-state' }, STATE_TEXT[s.status]),
        h(
          'span',
          { class: 'meta' },
          [
            s.address,
            s.version === null ? null : `v${s.version}`,
            s.uptimeMs === null ? null : `up ${duration(s.uptimeMs)}`,
            METRICS_TEXT[s.metrics],
          ]
            .filter((part) => part !== null)
            .join(' · '),
        ),
        s.error === null ? null : h('span', { class: 'service-error' }, s.error),
      ),
    ),
  );
  const down = services.filter((s) => s.status !== 'SERVING').length;
  byId('health-summary').textContent =
    down === 0
      ? `All ${services.length} services serving.`
      : `${down} of ${services.length} services not serving.`;
}
