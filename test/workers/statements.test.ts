/** @module The payout statements journey in workerd on D1, through the Worker's own fetch. */
import { statementsJourney } from '../journeys/statements';
import { workersDoor } from '../support/workers-door';

statementsJourney(() => workersDoor);
