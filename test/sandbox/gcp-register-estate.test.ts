/**
 * The GCP sandbox estate shows the data-register families added for Composer, Vertex AI, Backup and DR and
 * Filestore backups (issue #12): each has failing and passing instances, read through the real normalizer and
 * the bundled controls.
 */
import { GCP_DEFAULT_PROJECTS, GcpEstate } from '../../src/sandbox/estate/gcp.js';
import { assessAssets } from '../controls/gcp/support.js';

const TYPES = ['composer.googleapis.com/Environment', 'aiplatform.googleapis.com/Dataset', 'backupdr.googleapis.com/BackupVault', 'file.googleapis.com/Backup'];

describe('the GCP sandbox estate and the data register', () => {
  const estate = new GcpEstate();
  const assets = estate.page(GCP_DEFAULT_PROJECTS, 'RESOURCE', TYPES, 0, 10_000);
  const findings = assessAssets(assets).findings;

  it.each(TYPES.flatMap((type) => [['gcp-data-stored-in-japan', type], ['gcp-cmek-where-required', type]]))('%s has failing and passing instances of %s', (control, type) => {
    const seen = new Set(findings.filter((f) => f.control === control && f.resourceType === type).map((f) => f.status));
    expect(seen).toEqual(new Set(['pass', 'fail']));
  });
});
