/** @module Members by status from running counts on the Node door: a libSQL file and a remote libSQL server (Hrana). */
import { afterAll, beforeAll, describe } from 'vitest';
import { memberCountsJourney } from '../journeys/member-counts';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

describe('libSQL file', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor();
  });
  afterAll(() => door.close());
  memberCountsJourney(() => door);
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
  memberCountsJourney(() => door);
});
