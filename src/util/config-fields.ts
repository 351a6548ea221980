/** Configuration fields that several rooms' schemas share (collectors, evidence), kept below all of them. */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

export const cron = z
  .string()
  .refine((expression) => validateCron(expression), { message: 'expected a cron expression such as "*/15 * * * *" (5 fields, or 6 with seconds)' });

export const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as "ap-northeast-1"');
