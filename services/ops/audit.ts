// Security events: who did what, from where. Never secrets, codes or passwords.
import type { Db } from '../../db/connection.ts';
import { insertAuditEntry } from '../../db/ops/audit.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';

export type AuditContext = { ip: string };

export type AuditEvent = {
  event: string;
  userId?: number | null;
  operatorId?: number | null;
  accountId?: number | null;
  detail?: Record<string, unknown>;
};

export type Audit = ReturnType<typeof createAudit>;

export function createAudit(db: Db, clock: Clock) {
  return {
    record(context: AuditContext, event: AuditEvent): void {
      insertAuditEntry(db, {
        at: nowSeconds(clock),
        event: event.event,
        user_id: event.userId ?? null,
        operator_id: event.operatorId ?? null,
        account_id: event.accountId ?? null,
        ip: context.ip,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      });
    },
  };
}
