/** The GCP collector's section of the configuration (`collectors.gcp`). */
import { z } from 'zod';
import { collectorScheduleFields } from '../config-fields.js';

const gcpScope = z
  .string()
  .regex(/^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]|folders\/\d+|organizations\/\d+)$/, 'expected "projects/<project-id>", "folders/<number>" or "organizations/<number>"');

export const gcpCollectorSchema = z.strictObject({
  ...collectorScheduleFields(),
  scopes: z
    .array(gcpScope)
    .default([])
    .describe('Cloud Asset Inventory parents to list (credentials: Application Default Credentials — key file, workload identity federation or the metadata server)'),
  apiEndpoint: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'expected a host name such as "cloudasset.googleapis.com" (Private Service Connect, tests)')
    .optional()
    .describe('Cloud Asset API host override'),
  concurrency: z.number().int().min(1).max(16).default(2).describe('ListAssets calls in flight at once'),
  requestsPerMinute: z
    .number()
    .positive()
    .default(90)
    .describe('Client-side pacing of ListAssets calls (the API allows about 100 a minute per consumer project)'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with backoff (longer after RESOURCE_EXHAUSTED)'),
});
export type GcpCollectorConfig = z.output<typeof gcpCollectorSchema>;
