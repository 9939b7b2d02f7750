import type { GetStatusResponse } from '@strife/protocol';
import { parsePrometheusText, scrapeMetrics } from '@strife/runtime';
import type { Agent } from 'node:https';
import type { Answer, Probes } from '../cluster/probes';
import type { Target } from '../cluster/targets';
import { gatewaySample, type GatewaySample } from '../metrics/gatewaySample';
import type { MetricsState } from '../shared/api';

/** What one pass over the cluster found, by target name. */
export interface PassResult {
  readonly at: number;
  readonly status: ReadonlyMap<string, Answer<GetStatusResponse>>;
  readonly metrics: ReadonlyMap<string, MetricsState>;
  /** The gateway instances' samples that could be scraped, by instance name. */
  readonly gatewaySamples: ReadonlyMap<string, GatewaySample>;
}

/**
 * Asks every service for its status and scrapes every metrics address, all at once, each with
 * its own deadline; never throws (a failure is recorded against its service).
 */
export async function runPass(probes: Probes, agent: Agent): Promise<PassResult> {
  const status = new Map<string, Answer<GetStatusResponse>>();
  const metrics = new Map<string, MetricsState>();
  const gatewaySamples = new Map<string, GatewaySample>();
  const at = Date.now();
  await Promise.all(
    probes.targets.flatMap((target) => [
      probes.status(target).then((answer) => {
        status.set(target.name, answer);
      }),
      scrape(target, agent).then((result) => {
        metrics.set(target.name, result.state);
        if (result.sample) gatewaySamples.set(target.instance, result.sample);
      }),
    ]),
  );
  return { at, status, metrics, gatewaySamples };
}

async function scrape(
  target: Target,
  agent: Agent,
): Promise<{ state: MetricsState; sample?: GatewaySample }> {
  if (target.metricsAddress === undefined) return { state: 'NO_ADDRESS' };
  try {
    const text = await scrapeMetrics(target.metricsAddress, agent);
    return {
      state: 'SCRAPED',
      ...(target.kind === 'gateway' ? { sample: gatewaySample(parsePrometheusText(text)) } : {}),
    };
  } catch {
    return { state: 'UNREACHABLE' };
  }
}
