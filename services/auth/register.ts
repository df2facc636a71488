// Registration: the throttle, the account and its holder's proof, the new user and its activation letter.
import { getAccountByNumber, type AccountRow } from '../../db/accounts/accounts.ts';
import { deleteUnactivatedUser, getUserByAccountId, insertAccountLink, insertUser } from '../../db/auth/users.ts';
import { nowSeconds } from '../platform/clock.ts';
import { sendActivation } from './activation.ts';
import type { AuthDeps, FieldErrors, RegistrationInput, RequestContext } from './auth.ts';
import { messages } from './messages.ts';
import { hashPassword } from './passwords.ts';
import { checkHolderProof } from './proof.ts';
import { countTry, limits } from './throttle.ts';

export async function register(deps: AuthDeps, input: RegistrationInput, context: RequestContext): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const { db, audit } = deps;
  const limited = countTry(deps.throttle, [
    [`register:ip:${context.ip}`, limits.registerPerIp],
    [`register:account:${input.accountNumber}`, limits.registerPerAccount],
  ]);
  if (limited) return { ok: false, errors: { accountNumber: limited } };

  const account = getAccountByNumber(db, input.accountNumber);
  if (!account) return { ok: false, errors: { accountNumber: messages.unknownAccount } };
  const proofErrors = deps.registrationProof ? checkProof(deps, account, input.proof, context) : null;
  if (proofErrors) return { ok: false, errors: proofErrors };
  if (getUserByAccountId(db, account.id)?.activated_at) {
    return { ok: false, errors: { accountNumber: messages.alreadyRegistered } };
  }

  const passwordHash = await hashPassword(input.password);
  const userId = insertRegistration(deps, account.id, input, passwordHash);
  if (userId === null) return { ok: false, errors: { accountNumber: messages.alreadyRegistered } };
  audit.record(context, { event: 'register', userId, accountId: account.id });
  await sendActivation(deps, { id: userId }, account.number, input.email);
  return { ok: true };
}

/** The form's error when the holder's proof does not fit the account (a mismatch is audited), else null. */
function checkProof({ db, audit }: AuthDeps, account: AccountRow, proof: string, context: RequestContext): FieldErrors | null {
  const verdict = checkHolderProof(db, account, proof);
  if (verdict === 'unavailable') return { proof: messages.noProofAvailable };
  if (verdict === 'mismatch') {
    audit.record(context, { event: 'register.wrong_proof', accountId: account.id });
    return { proof: messages.wrongProof };
  }
  return null;
}

/** The user and its primary link in one transaction; null when the account got activated meanwhile. */
function insertRegistration({ db, clock, company }: AuthDeps, accountId: number, input: RegistrationInput, passwordHash: string): number | null {
  const now = nowSeconds(clock);
  return db.transaction(() => {
    const existing = getUserByAccountId(db, accountId);
    if (existing?.activated_at) return null;
    // An unactivated registration (say, with a mistyped e-mail) is replaced by one with the proof.
    if (existing) deleteUnactivatedUser(db, existing.id);
    const id = insertUser(db, {
      account_id: accountId,
      email: input.email,
      phone: input.phone,
      password_hash: passwordHash,
      created_at: now,
      password_changed_at: now,
      agreement_version: company.documents.agreementVersion,
      agreement_accepted_at: now,
      consent_version: company.documents.personalDataConsentVersion,
      consent_accepted_at: now,
    });
    insertAccountLink(db, { user_id: id, account_id: accountId, is_primary: 1, created_at: now });
    return id;
  })();
}
