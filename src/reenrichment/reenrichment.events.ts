import type { Queryable } from '../infra/db.js';
import { recordWebhookEvent } from '../webhooks/webhook.repository.js';
import type { ReenrichmentView } from './reenrichment.schemas.js';

/**
 * `reenrichment.completed` (contract §13): recorded in the same database transaction that marks a
 * re-enrichment completed, with its §11 status object, for integrations that subscribe.
 */
export async function recordReenrichmentCompleted(db: Queryable, integrationId: number, status: ReenrichmentView): Promise<void> {
  await recordWebhookEvent(db, integrationId, 'reenrichment.completed', status);
}
