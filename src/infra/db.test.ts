import { describe, expect, it } from 'vitest';
import { isConnectionError, isDatabaseBusy } from './db.js';

/** An error as node-postgres raises it for a server's SQLSTATE. */
const serverError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDatabaseBusy', () => {
  it('when a statement is a deadlock victim or a serialization failure after its retries, then the database is busy (503, retry shortly), not broken', () => {
    for (const error of [serverError('40P01', 'deadlock detected'), serverError('40001', 'could not serialize access due to concurrent update')]) {
      expect(isDatabaseBusy(error), error.message).toBe(true);
      expect(isConnectionError(error), error.message).toBe(true);
    }
  });

  it('when the server gave up waiting for a lock or a statement, then it is busy; a wrong query is neither busy nor unreachable', () => {
    expect(isDatabaseBusy(serverError('55P03', 'canceling statement due to lock timeout'))).toBe(true);
    expect(isDatabaseBusy(serverError('57014', 'canceling statement due to statement timeout'))).toBe(true);
    const wrong = serverError('22008', 'date/time field value out of range');
    expect(isDatabaseBusy(wrong)).toBe(false);
    expect(isConnectionError(wrong)).toBe(false);
  });
});

describe('isConnectionError', () => {
  it('when PostgreSQL refuses the login (an unknown role or database, a wrong password), then the database is unreachable to a request, not a bug', () => {
    for (const error of [serverError('28000', 'role "x" does not exist'), serverError('28P01', 'password authentication failed'), serverError('3D000', 'database "x" does not exist')]) {
      expect(isConnectionError(error), error.message).toBe(true);
      expect(isDatabaseBusy(error), error.message).toBe(false);
    }
  });

  it('when the network cannot reach the server (no route, a name that does not resolve yet, a gone Unix socket), then it is unreachable; a missing file elsewhere is not', () => {
    const systemError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code} somewhere`), { code, syscall });
    for (const error of [systemError('EAI_AGAIN', 'getaddrinfo'), systemError('ENETUNREACH', 'connect'), systemError('ECONNABORTED', 'read'), systemError('ENOENT', 'connect'), systemError('EACCES', 'connect'), serverError('08006', 'connection failure')]) {
      expect(isConnectionError(error), error.message).toBe(true);
    }
    expect(isConnectionError(systemError('ENOENT', 'open'))).toBe(false);
  });
});
