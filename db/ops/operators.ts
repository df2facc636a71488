import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type OperatorRow = {
  id: number;
  login: string;
  name: string;
  password_hash: string;
  totp_key: Buffer;
  totp_last_counter: number;
  created_at: number;
  disabled_at: number | null;
};

export type OperatorSessionRow = { id: string; operator_id: number; created_at: number; last_seen_at: number; ip: string };

const operatorColumns = 'id, login, name, password_hash, totp_key, totp_last_counter, created_at, disabled_at';

export function insertOperator(db: Db, operator: { login: string; name: string; password_hash: string; totp_key: Buffer; created_at: number }): number {
  return Number(
    prepared(db, 'INSERT INTO operators (login, name, password_hash, totp_key, created_at) VALUES (@login, @name, @password_hash, @totp_key, @created_at)').run(operator)
      .lastInsertRowid,
  );
}

export function getOperatorByLogin(db: Db, login: string): OperatorRow | undefined {
  return prepared(db, `SELECT ${operatorColumns} FROM operators WHERE login = ?`).get(login) as OperatorRow | undefined;
}

export function getOperatorById(db: Db, id: number): OperatorRow | undefined {
  return prepared(db, `SELECT ${operatorColumns} FROM operators WHERE id = ?`).get(id) as OperatorRow | undefined;
}

/** Records a used TOTP counter; false when it (or a later one) was used already, so a code works once. */
export function claimTotpCounter(db: Db, operatorId: number, counter: number): boolean {
  return prepared(db, 'UPDATE operators SET totp_last_counter = ? WHERE id = ? AND totp_last_counter < ?').run(counter, operatorId, counter).changes === 1;
}

export function insertOperatorSession(db: Db, session: OperatorSessionRow): void {
  prepared(db, 'INSERT INTO operator_sessions (id, operator_id, created_at, last_seen_at, ip) VALUES (@id, @operator_id, @created_at, @last_seen_at, @ip)').run(session);
}

export function getOperatorSession(db: Db, id: string): OperatorSessionRow | undefined {
  return prepared(db, 'SELECT id, operator_id, created_at, last_seen_at, ip FROM operator_sessions WHERE id = ?').get(id) as OperatorSessionRow | undefined;
}

export function touchOperatorSession(db: Db, id: string, at: number): void {
  prepared(db, 'UPDATE operator_sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
}

export function deleteOperatorSession(db: Db, id: string): void {
  prepared(db, 'DELETE FROM operator_sessions WHERE id = ?').run(id);
}
