import type { FastifyInstance } from 'fastify';
import type { ReportService } from '../../reports/report.service.js';

export function reportRoutes(app: FastifyInstance, reports: ReportService): void {
  app.get<{ Params: { account_id: string }; Querystring: { start_date?: string; end_date?: string } }>(
    '/api/reports/account/:account_id/summary',
    { config: { scope: 'reports' } },
    (request) => reports.summarizeAccount(request.principal.integrationId, request.params.account_id, request.query),
  );
}
