/**
 * The collectors' part of the configuration (`collectors:`), composed from each collector's own schema.
 * It is the configuration half of the collector registry (registry.ts builds the collectors; its factory
 * map is typed by these keys, so a collector cannot be registered in one half only). Kept apart from
 * registry.ts so validating a configuration loads no cloud SDK.
 */
import { z } from 'zod';
import { awsCollectorSchema } from './aws/config.js';
import { azureCollectorSchema } from './azure/config.js';
import { gcpCollectorSchema } from './gcp/config.js';

export const collectorsConfigSchema = z
  .strictObject({
    aws: awsCollectorSchema.optional(),
    azure: azureCollectorSchema.optional(),
    gcp: gcpCollectorSchema.optional(),
  })
  .default({});
export type CollectorsConfig = z.output<typeof collectorsConfigSchema>;
