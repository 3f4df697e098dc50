/** @module The payout statements journey on the Node door, over a libSQL file and over a remote libSQL server (Hrana). */
import { afterAll, beforeAll, describe } from 'vitest';
import { statementsJourney } from '../journeys/statements';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

describe('libSQL file', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor();
  });
  afterAll(() => door.close());
  statementsJourney(() => door);
});

describe('remote libSQL (Hrana)', () => {
  let server: HranaServer;
  let door: NodeDoor;
  beforeAll(async () => {
    server = await startHranaServer();
    door = await startNodeDoor({ DATABASE_URL: server.url, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    door?.close();
    await server?.close();
  });
  statementsJourney(() => door);
});
