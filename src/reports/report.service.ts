import type pg from 'pg';
import { AppError } from '../domain/errors.js';

/** Per-account summaries for BI clients (contract §6). */
export class ReportService {
  constructor(private readonly pool: pg.Pool) {}

  async summarizeAccount(_integrationId: number, _accountId: string, _query: { start_date?: string; end_date?: string }): Promise<unknown> {
    void this.pool;
    throw new AppError('not_found', 'Reports are not available yet.');
  }
}
