// The fact only an account's holder has: the meter's serial number, or the last bill's amount.
import { getActiveMeter, getLastChargeAmount, type AccountRow } from '../../db/accounts/accounts.ts';
import type { Db } from '../../db/connection.ts';

export type ProofVerdict = 'match' | 'mismatch' | 'unavailable';

export function checkHolderProof(db: Db, account: AccountRow, proof: string): ProofVerdict {
  const meter = getActiveMeter(db, account.id);
  if (meter) return normaliseSerial(meter.serial) === normaliseSerial(proof) ? 'match' : 'mismatch';
  const lastAmount = getLastChargeAmount(db, account.id);
  if (lastAmount === undefined) return 'unavailable';
  return parseRubles(proof) === lastAmount ? 'match' : 'mismatch';
}

function normaliseSerial(serial: string): string {
  return serial.replace(/[\s-]/g, '').toUpperCase();
}

/** «1 234,56» or «1234.56» or «1234» → kopecks; null when it is not an amount. */
export function parseRubles(text: string): number | null {
  const compact = text.replace(/[\s\u00a0₽]|руб\.?/g, '').replace(',', '.');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(compact);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}
