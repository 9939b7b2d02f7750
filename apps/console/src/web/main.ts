import type { MetricsPoint, StatusView } from '../shared/api.js';
import { TrafficCharts } from './charts.js';
import { byId, setText } from './dom.js';
import { renderServices } from './health.js';
import { renderBanks, renderConservation } from './money.js';
import { initSearch } from './search.js';
import { renderTwoPhase } from './twoPhase.js';

// The page: one event stream from the console (`history` once, then `status` every second),
// rendered into the sections of index.html. EventSource reconnects by itself.
const charts = new TrafficCharts();
const connection = byId('connection');
const events = new EventSource('/api/events');

events.addEventListener('history', (event) => {
  charts.load(
    (JSON.parse((event as MessageEvent<string>).data) as { points: MetricsPoint[] }).points,
  );
});
events.addEventListener('status', (event) => {
  const status = JSON.parse((event as MessageEvent<string>).data) as StatusView;
  setText(connection, `Live — updated ${new Date(status.at).toLocaleTimeString()}`);
  connection.dataset.state = 'live';
  renderServices(status.services);
  renderConservation(status.conservation);
  renderBanks(status.banks);
  charts.update(status);
  renderTwoPhase(status);
});
events.addEventListener('error', () => {
  setText(connection, 'Connection to the console lost — reconnecting…');
  connection.dataset.state = 'lost';
});
initSearch();
