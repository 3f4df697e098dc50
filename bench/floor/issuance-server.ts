/**
 * @module The floor for token issuance on this machine: a bare `node:http` server (no framework, no
 * ORM, no validation, no logging) that does only the work the issuance route must do per request
 * (`issuance-work.ts`). `bench/issuance.bench.ts` measures the service against it in the same run
 * (target: ≥ 0.8× of its rate).
 *
 *   node --import tsx bench/floor/issuance-server.ts <database file> <port>
 */
import { serveBare } from './bare-server';
import { issuanceWork } from './issuance-work';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: issuance-server.ts <database file> <port>');
const work = issuanceWork(file);

serveBare(Number(port), (req, body) => {
  const { publisher } = JSON.parse(body) as { publisher: string };
  const answer = work(publisher, String(req.headers.authorization));
  return answer ? { status: 200, body: JSON.stringify(answer) } : { status: 401, body: '{}' };
});
