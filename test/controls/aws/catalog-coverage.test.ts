/** Properties of the bundled AWS controls as a whole. */
import { ResourceType } from '@aws-sdk/client-config-service';
import { CONFIG_RECORDER_TYPE } from '../../../collectors/aws/coverage.js';
import { IAM_IDENTITY_TYPES } from '../../../collectors/aws/identity.js';
import { CLOUDTRAIL_API_TYPES } from '../../../collectors/aws/identity-types.js';
import { MONITORING_TYPES } from '../../../collectors/aws/monitoring-types.js';
import { REGIONAL_DIRECT_TYPES } from '../../../collectors/aws/regional-types.js';
import { bundledMappings } from '../../support/evaluate.js';

describe('the bundled AWS controls', () => {
  const { controls, catalog } = bundledMappings();
  const aws = controls.filter((c) => c.provider === 'aws');

  it('evidence every requirement the catalog classes automated or partial', () => {
    const evidenced = new Set(aws.flatMap((c) => c.requirements[catalog.id] ?? []));
    // Unless the catalog says why AWS configuration cannot evidence it (not_evidenced.aws), as for the other clouds.
    const missing = catalog.requirements.filter((r) => r.automation !== 'manual' && !evidenced.has(r.id) && r.notEvidenced.aws === undefined).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('only read resource types that AWS Config records, or that the collector reads from a named API', () => {
    // Over a complete AWS Config snapshot a control on an unrecorded type would pass vacuously; the
    // recorders come from DescribeConfigurationRecorders, and offline files declare them a gap.
    // The identity pseudo-types come from each account's IAM API (collectors/aws/identity.ts), the trail
    // status from its CloudTrail API (collectors/aws/cloudtrail.ts), the CloudWatch types from its CloudWatch
    // Logs and CloudWatch APIs (collectors/aws/monitoring.ts), the regional ones from EC2, Inspector and
    // Security Hub (collectors/aws/regional.ts).
    const recorded = new Set<string>([...Object.values(ResourceType), CONFIG_RECORDER_TYPE, ...IAM_IDENTITY_TYPES, ...CLOUDTRAIL_API_TYPES, ...MONITORING_TYPES, ...REGIONAL_DIRECT_TYPES]);
    const types = new Set(aws.flatMap((c) => [...c.resourceTypes, ...c.context.map((x) => x.type)]));
    expect([...types].filter((t) => !recorded.has(t))).toEqual([]);
  });

  it('give every failing verdict a reason and cite the checklist in the rationale', () => {
    for (const control of aws) {
      expect({ id: control.id, reason: control.reason !== undefined || control.kind === 'exists' }).toEqual({ id: control.id, reason: true });
      expect({ id: control.id, cites: /\b\d{1,2}-\d{1,2}\b/.test(control.rationale.en) && /\d{1,2}-\d{1,2}/.test(control.rationale.ja) }).toEqual({ id: control.id, cites: true });
    }
  });
});
