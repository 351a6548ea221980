/**
 * The data register (mappings/registers/<provider>.yaml): every resource type that holds customer data or carries
 * it, where its location, copies, endpoints and at-rest encryption are read, and which controls judge each aspect.
 * `registerProblems` ties the register to the controls, so a registered type never silently escapes 9-6, 2-1 or
 * 2-2 and a control never judges a type nobody registered.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Control } from './controls.js';
import { REGISTER_ASPECTS, registerFileSchema, type RegisterAspect, type RegisterFile, type RegisterType } from './schemas.js';
import { loadYamlFile, type ParsedFile } from './yaml-file.js';
import { InputErrorCollector } from '../errors.js';
import { BUNDLED_REGISTERS_DIR } from '../paths.js';

/** The checklist item each aspect evidences. */
export const ASPECT_REQUIREMENT: Readonly<Record<RegisterAspect, string>> = { residency: '9-6', copies: '9-6', transit: '2-2', atRest: '2-1' };
const REGISTER_REQUIREMENTS = new Set(Object.values(ASPECT_REQUIREMENT));
const CATALOG = 'jp-cloud-procurement';

export interface RegisterProblem {
  /** `file:line` of the entry (or the file). */
  readonly at: string;
  readonly message: string;
}

/** Every register file in a directory (the bundled one by default), all problems reported at once. */
export function loadRegisters(dir: string = BUNDLED_REGISTERS_DIR): ParsedFile<RegisterFile>[] {
  if (!existsSync(dir)) return [];
  const errors = new InputErrorCollector();
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => errors.attempt(() => loadYamlFile(join(dir, name), registerFileSchema)) ?? []);
  errors.throwIfAny();
  return files;
}

/** Whether an aspect applies to a registered type, so that it needs a control or a stated reason. */
function applies(entry: RegisterType, aspect: RegisterAspect): boolean {
  switch (aspect) {
    case 'residency':
      return entry.holds !== 'copyRule';
    case 'copies':
      return (entry.copies?.length ?? 0) > 0 || entry.holds === 'copyRule';
    case 'transit':
      return entry.transit !== undefined;
    case 'atRest':
      return entry.holds === 'data' || entry.holds === 'keys';
  }
}

/**
 * What ties the register to the controls, as problems (empty when they agree):
 * each applicable aspect of each type has a control or a reason, never both; a named control exists, is the
 * register's provider, reads the type and evidences the aspect's item; every type of a control evidencing
 * 2-1, 2-2 or 9-6 is registered; a type is registered once.
 */
export function registerProblems(registers: readonly ParsedFile<RegisterFile>[], controls: readonly Control[]): RegisterProblem[] {
  const problems: RegisterProblem[] = [];
  const byId = new Map(controls.map((c) => [c.id, c]));
  for (const { file, value, locate } of registers) {
    const registered = new Set<string>();
    value.types.forEach((entry, index) => {
      const at = locate(['types', index]);
      if (registered.has(entry.type)) problems.push({ at, message: `${entry.type} is registered twice` });
      registered.add(entry.type);
      if (entry.holds === 'data' && entry.atRest === undefined && entry.notJudged?.atRest === undefined) {
        problems.push({ at, message: `${entry.type} holds data but states no at-rest encryption setting (atRest) and no reason (notJudged.atRest)` });
      }
      for (const aspect of REGISTER_ASPECTS) {
        const named = entry.controls?.[aspect] ?? [];
        const reason = entry.notJudged?.[aspect];
        if (named.length > 0 && reason) problems.push({ at, message: `${entry.type}: ${aspect} has both controls and a notJudged reason` });
        if (applies(entry, aspect) && named.length === 0 && !reason) {
          problems.push({ at, message: `${entry.type}: no control judges ${aspect} (${ASPECT_REQUIREMENT[aspect]}) and notJudged.${aspect} gives no reason` });
        }
        for (const id of named) {
          const control = byId.get(id);
          if (!control) problems.push({ at, message: `${entry.type}: ${aspect} names control ${id}, which does not exist` });
          else if (control.provider !== value.provider) problems.push({ at, message: `${entry.type}: control ${id} is for ${control.provider}, not ${value.provider}` });
          else if (!control.resourceTypes.includes(entry.type)) problems.push({ at, message: `${entry.type}: control ${id} does not read this type (resourceTypes)` });
          else if (!(control.requirements[CATALOG] ?? []).includes(ASPECT_REQUIREMENT[aspect])) {
            problems.push({ at, message: `${entry.type}: control ${id} does not evidence ${ASPECT_REQUIREMENT[aspect]} (${aspect})` });
          }
        }
      }
    });
    for (const control of controls) {
      if (control.provider !== value.provider) continue;
      if (!(control.requirements[CATALOG] ?? []).some((r) => REGISTER_REQUIREMENTS.has(r))) continue;
      for (const type of control.resourceTypes) {
        if (!registered.has(type)) problems.push({ at: file, message: `control ${control.id} evidences 2-1, 2-2 or 9-6 on ${type}, which the register does not list` });
      }
    }
  }
  return problems;
}

/** Per aspect: registered types it applies to, judged by a control, excluded with a reason, and reasons still marked "(open)". */
export interface AspectCount {
  readonly applies: number;
  readonly covered: number;
  readonly excluded: number;
  readonly open: number;
}

export interface RegisterCount {
  readonly provider: string;
  readonly types: number;
  readonly aspects: Readonly<Record<RegisterAspect, AspectCount>>;
}

/** A reason that says kansa could judge the aspect with more work ends its English text with "(open)". */
const OPEN_MARK = /\(open\)\s*$/;

/** The register's coverage per provider and aspect, for the issue notes and the README. */
export function registerCounts(registers: readonly ParsedFile<RegisterFile>[]): RegisterCount[] {
  return registers.map(({ value }) => {
    const aspects = Object.fromEntries(
      REGISTER_ASPECTS.map((aspect): [RegisterAspect, AspectCount] => {
        const applying = value.types.filter((entry) => applies(entry, aspect));
        const reasons = applying.map((entry) => entry.notJudged?.[aspect]).filter((r) => r !== undefined);
        const open = reasons.filter((r) => OPEN_MARK.test(r.en)).length;
        return [aspect, { applies: applying.length, covered: applying.filter((e) => (e.controls?.[aspect]?.length ?? 0) > 0).length, excluded: reasons.length - open, open }];
      }),
    ) as Record<RegisterAspect, AspectCount>;
    return { provider: value.provider, types: value.types.length, aspects };
  });
}

