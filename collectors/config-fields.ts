/** The fields every collector's configuration section starts with: when it runs and how long its data stays fresh. */
import { z } from 'zod';
import { cron } from '../src/util/config-fields.js';

const MAX_JITTER_SECONDS = 3_600;
const MAX_STALE_AFTER_SECONDS = 90 * 86_400;

const seconds = (description: string) => z.number().int().positive().describe(description);

export function collectorScheduleFields() {
  return {
    enabled: z.boolean().default(true),
    schedule: cron.default('*/30 * * * *').describe('When to collect (cron, local time of the agent)'),
    // Bounded: a jitter is a timer (Node's timers overflow past 24.8 days), and staleness beyond a quarter is a typo.
    jitterSeconds: z.number().int().min(0).max(MAX_JITTER_SECONDS).default(0).describe('Random delay before each scheduled run, to spread load across replicas (at most 1 hour)'),
    staleAfterSeconds: seconds('Data older than this turns every verdict from it into unknown (at most 90 days)').max(MAX_STALE_AFTER_SECONDS).default(7200),
  };
}
