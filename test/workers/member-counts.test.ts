/** @module Members by status from running counts in workerd on D1 (the triggers as D1 runs them). */
import { memberCountsJourney } from '../journeys/member-counts';
import { workersDoor } from '../support/workers-door';

memberCountsJourney(() => workersDoor);
