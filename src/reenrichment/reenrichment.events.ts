import type { Queryable } from '../infra/db.js';
import type { ReenrichmentView } from './reenrichment.schemas.js';

/**
 * The `reenrichment.completed` hook point (contract §13): called in the same database transaction
 * that marks a re-enrichment completed, with its §11 status object. Webhooks record their event
 * here (`recordWebhookEvent(db, integrationId, 'reenrichment.completed', status)`) once they exist.
 */
export async function recordReenrichmentCompleted(_db: Queryable, _integrationId: number, _status: ReenrichmentView): Promise<void> {}
