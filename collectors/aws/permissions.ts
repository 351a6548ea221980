/**
 * Every AWS API operation collectors/aws/config-service.ts can call, and the IAM action it needs.
 * Plain data: `kansa permissions --provider aws` and deploy/iam/aws-policy.json are generated from it,
 * and tests check it against the commands the collector imports and the calls the sandbox sees.
 * Modes: `accounts` (per-account Select, optionally through an assumed role) and `aggregator`.
 */
import type { PermissionDeclaration } from '../../src/permissions/model.js';

export const AWS_PERMISSIONS: PermissionDeclaration = {
  provider: 'aws',
  collector: 'aws-config',
  operations: [
    {
      operation: 'SelectResourceConfig',
      actions: ['config:SelectResourceConfig'],
      modes: ['accounts'],
      reason: 'advanced query of the configuration items AWS Config recorded, per account and region, only the types enabled controls read',
    },
    {
      operation: 'BatchGetResourceConfig',
      actions: ['config:BatchGetResourceConfig'],
      modes: ['accounts'],
      forTypesMatching: '^AWS::S3::Bucket$',
      reason: 'S3 bucket settings live in supplementaryConfiguration, which Select does not return: fetched 100 items a call',
    },
    {
      operation: 'SelectAggregateResourceConfig',
      actions: ['config:SelectAggregateResourceConfig'],
      modes: ['aggregator'],
      reason: 'the same query across the organization through a configuration aggregator',
    },
    {
      operation: 'BatchGetAggregateResourceConfig',
      actions: ['config:BatchGetAggregateResourceConfig'],
      modes: ['aggregator'],
      forTypesMatching: '^AWS::S3::Bucket$',
      reason: 'S3 bucket supplementary configuration through the aggregator',
    },
  ],
};
