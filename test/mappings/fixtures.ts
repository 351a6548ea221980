/** Mapping-file text and error reading shared by the test/mappings suites. */
import { InputError, InputErrors } from '../../src/errors.js';

/**
 * One control entry of a controls file, as the bundled files write it (ten lines, the first `  - id: …`):
 * an AWS volume encryption check for requirement 2-1. `edit` changes its text.
 */
export const controlEntry = (id: string, edit: (text: string) => string = (t) => t): string =>
  edit(`  - id: ${id}
    title: { ja: ボリュームの暗号化, en: Volumes encrypted }
    provider: aws
    resourceTypes: [AWS::EC2::Volume]
    kind: each
    expression: resource.configuration.encrypted == true
    severity: high
    rationale: { ja: 保存データの暗号化, en: data at rest is encrypted }
    remediation: { ja: 暗号化を有効にする, en: enable encryption }
    requirements: { jp-cloud-procurement: ["2-1"] }
`);

/** The problems a load throws (one InputError or several), as [file:line (basename), path, reason]. */
export function problems(load: () => unknown): [string, string, string][] {
  try {
    load();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const list = error instanceof InputErrors ? error.errors : [error];
    return list.map((e) => [e.file.replace(/^.*\//, ''), e.path, e.reason]);
  }
  throw new Error('expected an InputError');
}
