/**
 * The agent's configuration file (YAML): the one source of truth for validation at start-up and for
 * the JSON Schema editors use (`kansa schema config`, mappings/schemas/config.schema.json). Each room
 * owns its section's schema (collectors/<provider>/config.ts, src/evidence/config.ts); this file composes them.
 */
import { z } from 'zod';
import { collectorsConfigSchema } from '../../collectors/config.js';
import { evidenceConfigSchema } from '../evidence/config.js';

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'expected host:port, e.g. "127.0.0.1:9731" or ":9731" or "[::1]:9731"')
  // 0 asks the system for a free port (tests, several agents on one host); above 65535 is no port.
  .refine((address) => isPort(Number(address.slice(address.lastIndexOf(':') + 1))), 'expected a port from 1 to 65535 (or 0 for any free port)');

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65_535;
}

export const configSchema = z.strictObject({
  listen: listenAddress.default('127.0.0.1:9731').describe('Address of /metrics, /healthz and /readyz'),
  catalog: z.string().optional().describe('Requirement catalog file (default: the bundled 66-item catalog)'),
  controls: z.array(z.string()).default([]).describe('Extra control files or directories, added to the bundled controls'),
  disabledControls: z.array(z.string()).default([]).describe('Control ids not to evaluate'),
  attestations: z.string().optional().describe('Attestations file for manual and partial requirements'),
  exceptions: z.string().optional().describe('Exceptions file: per-resource waivers with justification, approver and expiry (kansa schema exceptions)'),
  collectors: collectorsConfigSchema,
  web: z
    .strictObject({
      configFile: z.string().min(1).optional().describe('Prometheus exporter-toolkit web configuration (TLS, basic_auth_users, headers); --web.config.file overrides'),
    })
    .optional()
    .describe('Security of the HTTP endpoint'),
  sharding: z
    .strictObject({
      replicas: z.number().int().min(1).max(1000).default(1).describe('Number of replicas sharing the accounts, subscriptions and projects'),
      index: z
        .union([z.number().int().min(0), z.literal('auto')])
        .default('auto')
        .describe('This replica (0-based), or "auto": the ordinal at the end of HOSTNAME (StatefulSet pod kansa-2 → 2)'),
    })
    .refine((s) => s.index === 'auto' || s.index < s.replicas, { message: 'expected an index below replicas', path: ['index'] })
    .optional()
    .describe('Split the scopes between replicas by rendezvous hashing on the scope id; each replica collects and exposes only its share'),
  evidence: evidenceConfigSchema.optional().describe('Tamper-evident evidence snapshots (kansa verify, kansa diff)'),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({ level: 'info' }),
  memory: z
    .strictObject({
      heapGrowthPercent: z
        .int()
        .min(0, 'expected 0 (V8 decides) or a percent from 1 to 300')
        .max(300, 'expected 0 (V8 decides) or a percent from 1 to 300')
        .default(15)
        .describe(
          'How far the JavaScript heap may grow past its live data before a full garbage collection (V8 --heap-growing-percent). ' +
            'Low values keep resident memory near the live data at some CPU cost; 0 leaves the choice to V8 (up to 4x)',
        ),
      youngGenerationMb: z
        .int()
        .min(0, 'expected 0 (V8 decides) or megabytes from 1 to 256')
        .max(256, 'expected 0 (V8 decides) or megabytes from 1 to 256')
        .default(16)
        .describe(
          "The collection engine's young generation, where a scan's short-lived objects are allocated, in MB (the worker's " +
            'resourceLimits.maxYoungGenerationSizeMb). V8 sizes it from the old-generation limit, far larger than a scan needs; ' +
            '0 leaves the choice to V8',
        ),
      optimizeForSize: z
        .boolean()
        .default(true)
        .describe(
          'Run V8 optimized for memory rather than speed (--optimize-for-size): smaller heap pages and earlier collections, ' +
            'some 80 MB less resident memory at a million resources; false gives V8 its default tuning',
        ),
    })
    .default({ heapGrowthPercent: 15, youngGenerationMb: 16, optimizeForSize: true })
    .describe('Memory use of the long-running agent'),
});
export type AgentConfig = z.output<typeof configSchema>;
