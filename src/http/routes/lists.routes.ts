import type { ApiInstance } from '../api-instance.js';
import { BatchListPage, BatchListQuery } from '../../ingestion/batch.schemas.js';
import type { BatchService } from '../../ingestion/batch.service.js';
import { AccountListPage, AccountListQuery, AccountSummaryParams, MonthlyReport, MonthlyReportQuery } from '../../reports/report.schemas.js';
import type { ReportService } from '../../reports/report.service.js';
import { problems } from '../schemas.js';

const errors = problems(['invalid_parameter']);

/** Lists for consoles and BI clients (contract §15). */
export function listRoutes(app: ApiInstance, services: { batches: BatchService; reports: ReportService }): void {
  app.get(
    '/api/accounts',
    {
      config: { scope: 'reports' },
      schema: {
        operationId: 'listAccounts',
        summary: "The integration's accounts with their transaction counts, oldest first",
        tags: ['reports'],
        querystring: AccountListQuery,
        response: { 200: AccountListPage, ...errors },
      },
    },
    (request) => services.reports.listAccounts(request.principal.integrationId, request.query),
  );

  app.get(
    '/api/batches',
    {
      config: { scope: ['ingest', 'reports'] },
      schema: {
        operationId: 'listBatches',
        summary: "The integration's batches, newest first, each with its status and counts",
        tags: ['ingestion'],
        querystring: BatchListQuery,
        response: { 200: BatchListPage, ...errors },
      },
    },
    (request) => services.batches.listBatches(request.principal.integrationId, request.query),
  );

  app.get(
    '/api/reports/account/:account_id/monthly',
    {
      config: { scope: 'reports' },
      schema: {
        operationId: 'getAccountMonthly',
        summary: "An account's spend, income and spend by category, month by month, over an inclusive date range",
        tags: ['reports'],
        params: AccountSummaryParams,
        querystring: MonthlyReportQuery,
        response: { 200: MonthlyReport, ...problems(['invalid_parameter', 'not_found']) },
      },
    },
    (request) => services.reports.monthlyReport(request.principal.integrationId, request.params.account_id, request.query),
  );
}
