/**
 * The systemd unit (deploy/systemd/kansa.service): hardening options checked by parsing, and, where
 * systemd-analyze is installed, `systemd-analyze verify` and the offline security exposure score.
 * (The unit cannot be started here: systemd is not PID 1 in this sandbox.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tempDir } from '../support/temp.js';

const UNIT = join(PACKAGE_ROOT, 'deploy', 'systemd', 'kansa.service');
const text = readFileSync(UNIT, 'utf8');

function directives(section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = header[1]!;
      continue;
    }
    if (current !== section) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

describe('systemd unit', () => {
  const service = directives('Service');
  const one = (key: string): string | undefined => service.get(key)?.at(-1);

  it('runs `kansa run` as an unprivileged dynamic user that writes only its state directory', () => {
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/node \/opt\/kansa\/lib\/node_modules\/kansa\/bin\/kansa\.js run --config \/etc\/kansa\/kansa\.yaml$/);
    expect(one('DynamicUser')).toBe('yes');
    expect(one('StateDirectory')).toBe('kansa');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('UMask')).toBe('0077');
  });

  it('drops every privilege and capability', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(service.get('CapabilityBoundingSet')).toEqual(['']);
    expect(service.get('AmbientCapabilities')).toEqual(['']);
    expect(one('RestrictSUIDSGID')).toBe('yes');
    expect(one('SystemCallFilter')).toBeDefined();
    expect(one('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX');
  });

  it('leaves W^X off: V8 compiles code at run time', () => {
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('does not restart in a loop on a configuration error (exit 2), and stops with SIGTERM', () => {
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
  });

  // Debian's systemd package provides it (.ci/run installs it where missing).
  const analyze = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim() || 'systemd-analyze (not installed: apt-get install systemd)';
  describe('systemd-analyze', () => {
    // verify needs the ExecStart binary to exist: point it at the node running the tests.
    const dir = tempDir('kansa-unit-');
    const copy = join(dir, 'kansa.service');
    writeFileSync(copy, text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));

    it('verify finds nothing to complain about', () => {
      const result = spawnSync(analyze, ['verify', copy], { encoding: 'utf8' });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, output: '' });
    });

    it('security rates the exposure low (≤ 2.0 of 10)', () => {
      const result = spawnSync(analyze, ['security', '--offline=yes', '--no-pager', copy], { encoding: 'utf8' });
      const score = /Overall exposure level for kansa\.service: (\d+\.\d+)/.exec(result.stdout)?.[1];
      expect(score).toBeDefined();
      expect(Number(score)).toBeLessThanOrEqual(2);
    });
  });
});
