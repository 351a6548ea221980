import { InputErrorCollector } from '../errors.js';
import type { ProviderId } from '../model/resource.js';
import type { Bilingual } from '../model/text.js';
import { catalogFileSchema, type AutomationClass } from './schemas.js';
import { readYamlDocument, validEntries, validate } from './yaml-file.js';

export interface Category {
  readonly id: string;
  readonly nameJa: string;
  readonly nameEn: string;
}

export interface Requirement {
  readonly id: string;
  readonly category: Category;
  readonly automation: AutomationClass;
  readonly titleEn: string;
  readonly textJa: string;
  /** Why the item is assessed the way it is (its automation class). */
  readonly rationale: Bilingual;
  readonly textNote?: Bilingual;
  /** Controls the catalog itself lists for this item (controls can also point at it). */
  readonly listedControls: readonly string[];
  /** The verdict when its controls saw nothing in fully covered scopes (no vacuous compliance by default). */
  readonly nothingInScope: 'compliant' | 'unknown';
  /** Per provider: why its configuration cannot evidence this item. */
  readonly notEvidenced: Readonly<Partial<Record<ProviderId, Bilingual>>>;
}

export interface Catalog {
  readonly id: string;
  readonly version: string;
  readonly titleJa: string;
  readonly titleEn: string;
  readonly file: string;
  readonly categories: readonly Category[];
  readonly requirements: readonly Requirement[];
}

/** Loads a catalog file; fails with file, line, path and reason of every problem found (InputErrors when several). */
export function loadCatalog(file: string): Catalog {
  const errors = new InputErrorCollector();
  const doc = readYamlDocument(file);
  const value = validate(doc, catalogFileSchema, errors);
  // A file that fails its schema: its valid entries are still checked, so one pass finds every problem.
  const categoryEntries = value ? value.categories.map((v, index) => ({ index, value: v })) : validEntries(doc, 'categories', catalogFileSchema.shape.categories.element);
  const requirementEntries = value
    ? value.requirements.map((v, index) => ({ index, value: v }))
    : validEntries(doc, 'requirements', catalogFileSchema.shape.requirements.element);
  const categoriesValid = value !== undefined || catalogFileSchema.shape.categories.safeParse((doc.raw as { categories?: unknown } | null)?.categories).success;
  const categories = new Map<string, Category>();
  for (const { index, value: c } of categoryEntries) {
    if (categories.has(c.id)) errors.add(doc.locate(['categories', index, 'id']), `categories[${index}].id`, `duplicate category id "${c.id}"`);
    else categories.set(c.id, { id: c.id, nameJa: c.name_ja, nameEn: c.name_en });
  }
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  for (const { index, value: r } of requirementEntries) {
    const at = (field: string): [string, string] => [doc.locate(['requirements', index, field]), `requirements[${index}].${field}`];
    if (seen.has(r.id)) errors.add(...at('id'), `duplicate requirement id "${r.id}"`);
    seen.add(r.id);
    const category = categories.get(r.category);
    if (!category) {
      // Not when a category failed its schema: the one named may be it.
      if (categoriesValid) errors.add(...at('category'), `unknown category "${r.category}" (declared: ${[...categories.keys()].join(', ')})`);
      continue;
    }
    requirements.push({
      id: r.id,
      category,
      automation: r.automation,
      titleEn: r.title_en,
      textJa: r.text_ja,
      rationale: r.rationale,
      ...(r.text_note === undefined ? {} : { textNote: r.text_note }),
      listedControls: r.controls ?? [],
      notEvidenced: r.not_evidenced ?? {},
      nothingInScope: r.nothing_in_scope ?? 'unknown',
    });
  }
  errors.throwIfAny();
  const { id, version, title_ja: titleJa, title_en: titleEn } = value!; // no value is a collected error
  return {
    id,
    version,
    titleJa,
    titleEn,
    file,
    categories: [...categories.values()],
    requirements,
  };
}
