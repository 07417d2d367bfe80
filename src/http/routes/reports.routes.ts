import type { ApiInstance } from '../api-instance.js';
import { AccountSummary, AccountSummaryParams, AccountSummaryQuery } from '../../reports/report.schemas.js';
import type { ReportService } from '../../reports/report.service.js';
import { problems } from '../schemas.js';

const errors = problems(['invalid_parameter', 'not_found']);

export function reportRoutes(app: ApiInstance, reports: ReportService): void {
  app.get(
    '/api/reports/account/:account_id/summary',
    {
      config: { scope: 'reports' },
      schema: {
        operationId: 'getAccountSummary',
        summary: "An account's spend, income, top spend categories and enrichment progress over an inclusive date range",
        tags: ['reports'],
        params: AccountSummaryParams,
        querystring: AccountSummaryQuery,
        response: { 200: AccountSummary, ...errors },
      },
    },
    (request) => reports.summarizeAccount(request.principal.integrationId, request.params.account_id, request.query),
  );
}
