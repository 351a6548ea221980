/** The fields every collector's configuration section starts with: when it runs and how long its data stays fresh. */
import { z } from 'zod';
import { cron } from '../src/util/config-fields.js';

const seconds = (description: string) => z.number().int().positive().describe(description);

export function collectorScheduleFields() {
  return {
    enabled: z.boolean().default(true),
    schedule: cron.default('*/30 * * * *').describe('When to collect (cron, local time of the agent)'),
    jitterSeconds: z.number().int().min(0).default(0).describe('Random delay before each scheduled run, to spread load across replicas'),
    staleAfterSeconds: seconds('Data older than this turns every verdict from it into unknown').default(7200),
  };
}
