/**
 * The direct-API collections (IAM, CloudWatch, the regional services) read each wanted type with its own
 * job, all at once: a type whose job fails becomes a gap of its own (its controls unknown) while the others
 * still count, and the resources are emitted in type order once every job has settled.
 */
import type { CoverageGap, Resource } from '../../src/model/resource.js';
import type { Bilingual } from '../../src/model/text.js';
import type { CollectContext } from '../types.js';

export interface TypeJobsResult {
  readonly types: string[];
  readonly gaps: CoverageGap[];
  readonly resources: number;
}

/** `failed` logs the failure and gives the gap's reason. */
export async function runTypeJobs(context: CollectContext, types: readonly string[], jobs: Record<string, () => Promise<Resource[]>>, failed: (type: string, error: unknown) => Bilingual): Promise<TypeJobsResult> {
  const results = await Promise.all(
    types.map(async (type) => {
      try {
        return { type, resources: await jobs[type]!() };
      } catch (error) {
        return { type, reason: failed(type, error) };
      }
    }),
  );
  const covered: string[] = [];
  const gaps: CoverageGap[] = [];
  let resources = 0;
  for (const result of results) {
    if ('resources' in result) {
      covered.push(result.type);
      for (const resource of result.resources) context.onResource(resource);
      resources += result.resources.length;
    } else gaps.push({ types: [result.type], reason: result.reason });
  }
  return { types: covered, gaps, resources };
}
