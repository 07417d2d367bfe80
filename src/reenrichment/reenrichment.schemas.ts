import { Type, type Static } from 'typebox';
import { BatchStatus, EnrichmentCounts } from '../ingestion/batch.schemas.js';
import { named } from '../http/schemas.js';

export const ReenrichBody = Type.Object(
  {
    start_date: Type.Optional(Type.String({ format: 'date', description: 'First day included, YYYY-MM-DD' })),
    end_date: Type.Optional(Type.String({ format: 'date', description: 'Last day included, YYYY-MM-DD' })),
    only_uncategorized: Type.Optional(Type.Boolean({ description: 'Only transactions with no category or UNCATEGORIZED (default false)' })),
  },
  { additionalProperties: false },
);

export const ReenrichAccepted = Type.Object({
  reenrichment_id: Type.String({ format: 'uuid' }),
  transactions: Type.Integer({ description: 'How many transactions it will enrich again (locked and removed ones are left alone)' }),
  status_url: Type.String(),
});
export type ReenrichAccepted = Static<typeof ReenrichAccepted>;

export const ReenrichmentParams = Type.Object({ reenrichment_id: Type.String({ description: 'The id returned by POST …/reenrich' }) });

export const ReenrichmentView = named('Reenrichment', Type.Object({
  reenrichment_id: Type.String({ format: 'uuid' }),
  status: BatchStatus,
  created_at: Type.String({ format: 'date-time' }),
  completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  counts: EnrichmentCounts,
}));
export type ReenrichmentView = Static<typeof ReenrichmentView>;
