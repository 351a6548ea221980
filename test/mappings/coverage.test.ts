/**
 * Coverage of the checklist on every cloud: each automated or partial item has a control per provider,
 * or the catalog says in one line why that provider's configuration cannot evidence it.
 */
import { bundledMappings } from '../support/evaluate.js';

const PROVIDERS = ['aws', 'azure', 'gcp'] as const;

describe('checklist coverage per provider', () => {
  const { catalog, controls } = bundledMappings();
  const evidenced = (requirement: string, provider: string): string[] =>
    controls.filter((c) => c.provider === provider && (c.requirements[catalog.id] ?? []).includes(requirement)).map((c) => c.id);

  it.each(PROVIDERS)('every automated and partial item has a %s control or a reason why not', (provider) => {
    const gaps = catalog.requirements
      .filter((r) => r.automation !== 'manual')
      .filter((r) => evidenced(r.id, provider).length === 0 && r.notEvidenced[provider] === undefined)
      .map((r) => `${r.id} (${r.automation})`);
    expect(gaps).toEqual([]);
  });

  it('every automated item has at least one control on some provider', () => {
    const none = catalog.requirements.filter((r) => r.automation === 'automated' && PROVIDERS.every((p) => evidenced(r.id, p).length === 0));
    expect(none.map((r) => r.id)).toEqual([]);
  });

  it('gives no reason where a control exists (stale notes are removed)', () => {
    const stale = catalog.requirements.flatMap((r) =>
      PROVIDERS.filter((p) => r.notEvidenced[p] !== undefined && evidenced(r.id, p).length > 0).map((p) => `${r.id}/${p}`),
    );
    expect(stale).toEqual([]);
  });

  it('manual items have no controls pointing at them', () => {
    const misdirected = catalog.requirements.filter((r) => r.automation === 'manual').flatMap((r) => PROVIDERS.flatMap((p) => evidenced(r.id, p).map((c) => `${r.id} ← ${c}`)));
    expect(misdirected).toEqual([]);
  });
});
