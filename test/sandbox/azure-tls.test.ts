/** The sandbox's self-signed certificate: valid DER whatever the random serial, trusted only as given. */
import { X509Certificate } from 'node:crypto';
import { certificateSerial, generateSandboxCertificate } from '../../src/sandbox/azure-tls.js';

describe('sandbox certificate', () => {
  it('encodes every serial as a positive, minimal DER INTEGER (no leading zero byte)', () => {
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const serial = certificateSerial(Buffer.from([first, 0x00, 0x12]));
      expect(serial[0]! & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
    }
  });

  it('parses as an X.509 certificate for the loopback names, valid now', () => {
    const now = new Date();
    const cert = new X509Certificate(generateSandboxCertificate(['localhost', '127.0.0.1', '::1'], now).cert);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(Date.parse(cert.validFrom)).toBeLessThan(now.getTime());
    expect(Date.parse(cert.validTo)).toBeGreaterThan(now.getTime());
    expect(cert.ca).toBe(true);
  });
});
