/** `kansa permissions`: the least-privilege, read-only role for one cloud, generated from the declarations. */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { ProviderId } from '../../model/resource.js';
import { generatePermissions, modesOf, PROVIDERS, renderRole, ROLE_FORMATS, type RoleFormat } from '../../permissions/generate.js';
import { loadMappings } from '../../mappings/load.js';
import type { CommandGroup } from '../command.js';

const DEFAULT_FORMAT: Readonly<Record<ProviderId, RoleFormat>> = { aws: 'json', azure: 'json', gcp: 'yaml' };

export const permissionsCommands: CommandGroup = (program: Command, { io }) => {
  program
    .command('permissions')
    .description('print the read-only role a cloud needs (AWS IAM policy, Azure custom role, GCP custom role), from what the collectors call and the enabled controls read')
    .addOption(new Option('--provider <provider>', 'cloud').choices(PROVIDERS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format (default: json for aws and azure, yaml for gcp; table explains each operation)').choices(ROLE_FORMATS))
    .option('--config <file>', 'agent configuration: its collection mode, extra and disabled controls (default: bundled controls, every mode)')
    .option('--assignable-scope <scope...>', 'Azure AssignableScopes, e.g. /subscriptions/<id> or /providers/Microsoft.Management/managementGroups/<id>')
    .action((options: { provider: ProviderId; format?: RoleFormat; config?: string; assignableScope?: string[] }) => {
      const config = options.config ? loadConfig(options.config) : undefined;
      const mappings = loadMappings(config ? { catalog: config.catalog, controls: config.controls } : {});
      const disabled = new Set(config?.disabledControls ?? []);
      const controls = mappings.controls.filter((c) => !disabled.has(c.id));
      const generated = generatePermissions(options.provider, controls, config ? modesOf(options.provider, config) : undefined);
      io.stdout(renderRole(generated, options.format ?? DEFAULT_FORMAT[options.provider], options.assignableScope ? { assignableScopes: options.assignableScope } : {}));
      const roles = [...new Set((config?.collectors.aws?.accounts ?? []).flatMap((a) => (a.roleArn ? [a.roleArn] : [])))];
      const aggregatorRole = config?.collectors.aws?.aggregator?.roleArn;
      if (aggregatorRole) roles.push(aggregatorRole);
      if (options.provider === 'aws' && roles.length > 0) {
        io.stderr(`kansa: attach this policy to ${roles.join(', ')}; the agent's own identity also needs sts:AssumeRole on them, and their trust policies must allow it.\n`);
      }
    });
};
