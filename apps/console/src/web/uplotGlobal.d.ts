import type UPlot from 'uplot';

declare global {
  /** uPlot's browser build, loaded by the page from /vendor/uPlot.iife.min.js before the app. */
  const uPlot: typeof UPlot;
}
