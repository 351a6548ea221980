/**
 * Warnings about exceptions that waive nothing. A typo in an exception's match silently waives nothing,
 * so the failure it was meant to cover keeps paging; these say so at validate time and after each scan.
 */
import { enabledProviders } from '../../collectors/registry.js';
import type { AgentConfig } from '../config/schema.js';
import type { Assessment } from '../evaluate/assessment.js';
import { exceptionActive, type ControlException } from '../mappings/exceptions.js';
import type { Mappings } from '../mappings/load.js';

/** What `kansa validate` can tell without collecting: expired exceptions, and ones no enabled collector can match. */
export function exceptionWarnings(mappings: Mappings, config: AgentConfig, now: Date): string[] {
  const providers = new Set<string>(enabledProviders(config));
  const disabled = new Set(config.disabledControls);
  const warnings: string[] = [];
  for (const e of mappings.exceptions) {
    if (!exceptionActive(e, now)) warnings.push(`${e.at}: exception ${e.id} expired on ${e.expires} and waives nothing; renew or remove it`);
    const control = mappings.controls.find((c) => c.id === e.control);
    if (control && disabled.has(control.id)) warnings.push(`${e.at}: exception ${e.id} names control ${control.id}, which disabledControls turns off`);
    const provider = control?.provider ?? e.match.provider;
    if (provider !== undefined && providers.size > 0 && !providers.has(provider)) {
      warnings.push(`${e.at}: exception ${e.id} can only match ${provider} findings, and no ${provider} collector is enabled`);
    }
  }
  return warnings;
}

/** After an evaluation: exceptions whose match selected no finding (probably a typo), and expired ones. */
export function warnAboutExceptions(assessment: Assessment, exceptions: readonly ControlException[], write: (text: string) => void): void {
  for (const result of assessment.exceptions) {
    const at = exceptions.find((e) => e.id === result.id)?.at ?? result.id;
    if (result.matched === 0) write(`kansa: warning: ${at}: exception ${result.id} matched no finding of ${result.control === '*' ? 'any control' : result.control}; check its match\n`);
    else if (result.state === 'expired') write(`kansa: warning: ${at}: exception ${result.id} expired on ${result.expires}; ${result.matched} findings it matches are reported as they are\n`);
  }
}
