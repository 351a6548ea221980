/** Test PKI made on the spot with Debian's openssl: a CA, a server certificate for 127.0.0.1/localhost, a client certificate. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../support/temp.js';

export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Signs another leaf certificate with the CA (rotation tests); returns [cert, key] paths. */
  issue(name: string, extensions: string): [string, string];
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(dir = tempDir('kansa-pki-')): TestPki {
  const path = (name: string): string => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kansa test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const issue = (name: string, extensions: string): [string, string] => {
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
    return [path(`${name}.crt`), path(`${name}.key`)];
  };
  const [serverCert, serverKey] = issue('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  const [clientCert, clientKey] = issue('client', 'subjectAltName=DNS:prometheus.monitoring.svc\nbasicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  return { dir, caCert: path('ca.crt'), caKey: path('ca.key'), serverCert, serverKey, clientCert, clientKey, issue };
}
