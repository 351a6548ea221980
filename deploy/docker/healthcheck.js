// Container health check (ESM: the image keeps package.json with "type": "module" next to it): GET /healthz on the local endpoint, over HTTP or, when the web configuration
// turns TLS on, HTTPS (the certificate names the service, not 127.0.0.1, so it is not verified here:
// this only asks whether the process serves). 200 is healthy; so is 401, which means basic auth is on
// and the server is answering. No dependencies: runs with the image's node alone.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const url = new URL(process.env.KANSA_HEALTHCHECK_URL ?? 'http://127.0.0.1:9731/healthz');
const TIMEOUT_MS = Number(process.env.KANSA_HEALTHCHECK_TIMEOUT_MS ?? 4000);

function probe(target) {
  return new Promise((resolve) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'GET', timeout: TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

let result = await probe(url);
if (result.error && url.protocol === 'http:') {
  // A TLS listener drops a plain-HTTP request: try the same address over HTTPS.
  const tls = new URL(url);
  tls.protocol = 'https:';
  result = await probe(tls);
}
const healthy = result.status === 200 || result.status === 401;
if (!healthy) process.stderr.write(`kansa healthcheck: ${result.error ? result.error.message : `HTTP ${result.status}`}\n`);
process.exit(healthy ? 0 : 1);
