// The ready demo user: account 400000001, activated, with its primary link.
import { getAccountByNumber } from '../../db/accounts/accounts.ts';
import type { Db } from '../../db/connection.ts';
import { insertAccountLink, insertUser, markUserActivated } from '../../db/auth/users.ts';
import type { Company } from '../../services/platform/config.ts';
import { hashPassword } from '../../services/auth/passwords.ts';
import { addDays, midnightsIn } from './calendar.ts';

export const demoUser = { accountNumber: '400000001', password: 'demo-svet-2026', email: 'demo@example.ru', phone: '+79101234567' } as const;

/** Registered 200 days before the reference day, at noon; the times follow the data, not the wall clock. */
export async function insertDemoUser(db: Db, company: Company, referenceDay: string): Promise<void> {
  const account = getAccountByNumber(db, demoUser.accountNumber);
  if (!account) throw new Error(`Demo account ${demoUser.accountNumber} is missing`);
  const passwordHash = await hashPassword(demoUser.password);
  const at = midnightsIn(company.timeZone)(addDays(referenceDay, -200)) + 12 * 3600;
  db.transaction(() => {
    const userId = insertUser(db, {
      account_id: account.id, email: demoUser.email, phone: demoUser.phone, password_hash: passwordHash,
      created_at: at, password_changed_at: at,
      agreement_version: company.documents.agreementVersion, agreement_accepted_at: at,
      consent_version: company.documents.personalDataConsentVersion, consent_accepted_at: at,
    });
    markUserActivated(db, userId, at + 300);
    insertAccountLink(db, { user_id: userId, account_id: account.id, is_primary: 1, created_at: at + 300 });
  })();
}
