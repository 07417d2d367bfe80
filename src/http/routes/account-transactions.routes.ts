import type { ApiInstance } from '../api-instance.js';
import {
  AccountParams,
  AccountTransactionParams,
  AccountTransactionsQuery,
  TransactionsPage,
  TransactionView,
} from '../../transactions/transaction.schemas.js';
import type { TransactionService } from '../../transactions/transaction.service.js';
import { problems } from '../schemas.js';

const errors = problems(['invalid_parameter', 'not_found']);

/** Reading an account's transactions (contract §11). */
export function accountTransactionRoutes(app: ApiInstance, transactions: TransactionService): void {
  app.get(
    '/api/accounts/:account_id/transactions',
    {
      config: { scope: 'reports' },
      schema: {
        operationId: 'listAccountTransactions',
        summary: "Pages through an account's transactions, newest date first",
        tags: ['accounts'],
        params: AccountParams,
        querystring: AccountTransactionsQuery,
        response: { 200: TransactionsPage, ...errors },
      },
    },
    (request) => transactions.listTransactions(request.principal.integrationId, request.params.account_id, request.query),
  );

  app.get(
    '/api/accounts/:account_id/transactions/:transaction_id',
    {
      config: { scope: ['ingest', 'reports'] },
      schema: {
        operationId: 'getAccountTransaction',
        summary: 'One transaction of an account, with its batch',
        tags: ['accounts'],
        params: AccountTransactionParams,
        response: { 200: TransactionView, ...errors },
      },
    },
    (request) => transactions.getTransaction(request.principal.integrationId, request.params.account_id, request.params.transaction_id),
  );
}
