/** The Azure collector's section of the configuration (`collectors.azure`). */
import { z } from 'zod';
import { collectorScheduleFields } from '../config-fields.js';

const azureSubscriptionId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'expected an Azure subscription id (a UUID)')
  .transform((s) => s.toLowerCase());

export const azureCollectorSchema = z.strictObject({
  ...collectorScheduleFields(),
  subscriptions: z.array(azureSubscriptionId).default([]).describe('Subscriptions to collect (credentials: DefaultAzureCredential — environment, workload identity, managed identity, Azure CLI)'),
  discoverSubscriptions: z.boolean().default(true).describe('When no subscriptions are listed, collect every subscription the credential can see (all pages of Subscriptions List) except Disabled and Deleted ones'),
  source: z
    .enum(['resourceGraph', 'arm'])
    .default('resourceGraph')
    .describe('resourceGraph: one Resource Graph query per 1,000 rows (fast path); arm: resources.list + getById per resource'),
  fallbackToArm: z.boolean().default(true).describe('Use ARM for subscriptions where Resource Graph is not permitted'),
  endpoint: z.url().optional().describe('ARM endpoint for sovereign clouds (e.g. https://management.usgovcloudapi.net, https://management.chinacloudapi.cn)'),
  graphEndpoint: z.url().optional().describe('Microsoft Graph endpoint for the Entra ID identity controls (default https://graph.microsoft.com; national clouds e.g. https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn)'),
  tenantId: z.string().optional().describe('Tenant for DefaultAzureCredential (AZURE_TENANT_ID also works)'),
  concurrency: z.number().int().min(1).max(32).default(8).describe('ARM and Resource Graph calls in flight at once'),
  maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per API call, with backoff that honours Retry-After (429 without it is retried too)'),
});
export type AzureCollectorConfig = z.output<typeof azureCollectorSchema>;
