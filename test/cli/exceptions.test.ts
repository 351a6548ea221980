/** Exceptions through the CLI: scan (JSON and table), validate warnings, snapshot evidence, bad files exit 2. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempFiles } from '../support/files.js';

const NOW = (): Date => new Date('2026-12-06T00:00:00Z');
const entry = (id: string, control: string, match: string, expires: string): string => `  - id: ${id}
    control: ${control}
    match: ${match}
    justification: { ja: 災害対策の複製を日本の法令の下で運用, en: disaster-recovery copy operated under Japanese law }
    approvedBy: 情報セキュリティ責任者
    expires: ${expires}
`;
const EXCEPTIONS = `exceptions:
${entry('eastus-dr', 'azure-data-stored-in-japan', '{ region: eastus, resource: "*/resourceGroups/rg-eastus-0/*" }', '2027-06-30')}${entry('typo', 'azure-data-stored-in-japan', '{ region: "eastsu" }', '2027-06-30')}${entry('lapsed', 'azure-data-stored-in-japan', '{ region: eastus, resource: "*/resourceGroups/rg-eastus-1/*" }', '2026-11-30')}`;

function setup(exceptions = EXCEPTIONS): { config: string; dir: string } {
  const files = tempFiles({ 'exceptions.yaml': exceptions, 'kansa.yaml': 'exceptions: ./exceptions.yaml\n' });
  return { config: files['kansa.yaml']!, dir: files.dir };
}

interface JsonFinding { control: string; resourceId: string; status: string; exception?: string; reason?: string; reason_ja?: string }
interface JsonOutput { findings: JsonFinding[]; exceptions: { id: string; state: string; matched: number; waived: number }[] }

describe('kansa scan with exceptions', () => {
  it('reports matching failures as waived with the exception id, expired ones as failures, and warns about one that matches nothing', async () => {
    const { config } = setup();
    const run = await runCli(['scan', '--sandbox', '--sandbox-resources', '300', '--config', config, '--output', 'json'], NOW);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as JsonOutput;
    const residency = out.findings.filter((f) => f.control === 'azure-data-stored-in-japan' && f.resourceId.includes('/resourceGroups/rg-eastus-'));
    const inRg = (rg: string): JsonFinding[] => residency.filter((f) => f.resourceId.includes(`/resourceGroups/${rg}/`));
    expect(inRg('rg-eastus-0').length).toBeGreaterThan(0);
    expect(new Set(inRg('rg-eastus-0').map((f) => `${f.status}:${f.exception}`))).toEqual(new Set(['waived:eastus-dr']));
    expect(inRg('rg-eastus-0')[0]?.reason_ja).toMatch(/国外/); // the reason stays visible, in both languages
    expect(inRg('rg-eastus-1').length).toBeGreaterThan(0);
    expect(new Set(inRg('rg-eastus-1').map((f) => f.status))).toEqual(new Set(['fail'])); // lapsed: not waived
    const summary = Object.fromEntries(out.exceptions.map((e) => [e.id, [e.state, e.matched > 0, e.waived > 0]]));
    expect(summary).toEqual({ 'eastus-dr': ['active', true, true], typo: ['active', false, false], lapsed: ['expired', true, false] });
    expect(run.stderr).toMatch(/warning: .*exceptions\.yaml:\d+: exception typo matched no finding of azure-data-stored-in-japan/);
    expect(run.stderr).toMatch(/warning: .*exception lapsed expired on 2026-11-30/);
  });

  it('shows waived findings in the Japanese table with the same terms as the reports', async () => {
    const { config } = setup();
    const run = await runCli(['scan', '--sandbox', '--sandbox-resources', '300', '--config', config, '--lang', 'ja'], NOW);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^適合 \d+ {2}不適合 \d+ {2}判定不能 \d+ {2}未評価 \d+$/m);
    expect(run.stdout).toMatch(/例外承認 azure-data-stored-in-japan .* \[例外 eastus-dr により承認\]/);
    expect(run.stdout).not.toMatch(/failing controls|no attestation|outside Japan/);
  });
});

describe('kansa validate with exceptions', () => {
  it('counts exceptions and warns about expired ones and ones no enabled collector can match', async () => {
    const files = tempFiles({
      'exceptions.yaml': EXCEPTIONS,
      'kansa.yaml': 'exceptions: ./exceptions.yaml\ncollectors:\n  aws:\n    accounts: [{ id: "111122223333" }]\n',
    });
    const run = await runCli(['validate', '--config', files['kansa.yaml']!], NOW);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 exceptions');
    expect(run.stderr).toMatch(/exceptions\.yaml:\d+: exception lapsed expired on 2026-11-30 and waives nothing/);
    expect(run.stderr).toMatch(/exception eastus-dr can only match azure findings, and no azure collector is enabled/);
  });

  it('exits 2 naming the file and line for an unknown control, a missing expiry or an invalid glob', async () => {
    for (const [text, expected] of [
      [`exceptions:\n${entry('x', 'no-such-control', '{ region: eastus }', '2027-01-01')}`, /exceptions\.yaml:3: exceptions\[0\]\.control: unknown control "no-such-control"/],
      [`exceptions:\n${entry('x', 'azure-data-stored-in-japan', '{ region: eastus }', '2027-01-01').replace(/ {4}expires: .*\n/, '')}`, /exceptions\.yaml:\d+: exceptions\[0\]\.expires: /],
      [`exceptions:\n${entry('x', 'azure-data-stored-in-japan', '{ resource: "rg-{a,b}" }', '2027-01-01')}`, /exceptions\.yaml:4: exceptions\[0\]\.match\.resource: invalid glob/],
    ] as const) {
      const { config } = setup(text);
      const run = await runCli(['validate', '--config', config], NOW);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(expected) as unknown });
    }
  });
});

describe('kansa snapshot with exceptions', () => {
  it('writes the exceptions in force, with what each waived, into the snapshot and its manifest', async () => {
    const { config, dir } = setup();
    const evidence = join(dir, 'evidence');
    const run = await runCli(['snapshot', '--sandbox', '--sandbox-resources', '300', '--config', config, '--dir', evidence], NOW);
    expect(run.code).toBe(0);
    const [name] = readdirSync(evidence).filter((n) => /^\d{8}T/.test(n));
    const snapshot = join(evidence, name!);
    const stored = JSON.parse(readFileSync(join(snapshot, 'exceptions.json'), 'utf8')) as { exceptions: { id: string; justification: { ja: string }; waived?: number; expires: string }[] };
    expect(stored.exceptions.map((e) => e.id)).toEqual(['eastus-dr', 'typo', 'lapsed']);
    expect(stored.exceptions[0]).toMatchObject({ justification: { ja: '災害対策の複製を日本の法令の下で運用' }, expires: '2027-06-30' });
    expect(stored.exceptions[0]?.waived).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(snapshot, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    expect(manifest.files.map((f) => f.path)).toContain('exceptions.json');
    expect((await runCli(['verify', evidence], NOW)).code).toBe(0);
  });
});
