// Which accounts a user may open, and linking more: every cabinet page checks its :link with ownLink.
import { getAccountByNumber } from '../../db/accounts/accounts.ts';
import type { Db } from '../../db/connection.ts';
import { insertAccountLink, listUserLinks, type AccountLinkRow } from '../../db/auth/users.ts';
import type { Audit, AuditContext } from '../ops/audit.ts';
import { nowSeconds, type Clock } from '../platform/clock.ts';
import { checkHolderProof } from '../auth/proof.ts';
import { limits, retryMessage, type Throttle } from '../auth/throttle.ts';

export const maxAdditionalAccounts = 5;

export type Cabinet = ReturnType<typeof createCabinet>;

export function createCabinet(deps: { db: Db; clock: Clock; audit: Audit; throttle: Throttle }) {
  const { db, clock, audit, throttle } = deps;
  return {
    /**
     * The link named by linkParam among the user's own links (read with the session or the API
     * token), or undefined (and an audit entry) for anything else.
     */
    ownLink(userId: number, links: AccountLinkRow[], linkParam: string, context: AuditContext): AccountLinkRow | undefined {
      const linkId = /^[1-9]\d{0,15}$/.test(linkParam) ? Number(linkParam) : NaN;
      const link = links.find((own) => own.id === linkId);
      if (!link) audit.record(context, { event: 'access.foreign_link', userId, detail: { link: linkParam.slice(0, 40) } });
      return link;
    },

    links(userId: number): AccountLinkRow[] {
      return listUserLinks(db, userId);
    },

    /** Links another account with the same proof as registration; the primary stays primary. */
    linkAccount(
      userId: number,
      input: { accountNumber: string; proof: string },
      context: AuditContext,
    ): { ok: true; linkId: number } | { ok: false; errors: Record<string, string> } {
      const key = `link:user:${userId}`;
      const verdict = throttle.check(key, limits.registerPerAccount);
      if (!verdict.allowed) return { ok: false, errors: { accountNumber: retryMessage(verdict.retryAfterSeconds) } };
      throttle.hit(key);

      const links = listUserLinks(db, userId);
      const account = getAccountByNumber(db, input.accountNumber);
      if (!account) return { ok: false, errors: { accountNumber: 'Лицевой счёт не найден. Проверьте номер в счёте за электроэнергию.' } };
      if (links.some((link) => link.account_id === account.id)) {
        return { ok: false, errors: { accountNumber: 'Этот лицевой счёт уже подключён к вашему кабинету.' } };
      }
      if (links.filter((link) => !link.is_primary).length >= maxAdditionalAccounts) {
        return { ok: false, errors: { accountNumber: `Можно подключить не больше ${maxAdditionalAccounts} дополнительных лицевых счетов. Удалите ненужный в настройках.` } };
      }
      const proof = checkHolderProof(db, account, input.proof);
      if (proof !== 'match') {
        audit.record(context, { event: 'link.wrong_proof', userId, accountId: account.id });
        const message = proof === 'unavailable'
          ? 'Для этого лицевого счёта нужна помощь: позвоните в техподдержку личного кабинета.'
          : 'Не совпадает с данными лицевого счёта. Проверьте номер счётчика или сумму последнего счёта.';
        return { ok: false, errors: { proof: message } };
      }
      const linkId = insertAccountLink(db, { user_id: userId, account_id: account.id, is_primary: 0, created_at: nowSeconds(clock) });
      audit.record(context, { event: 'link.added', userId, accountId: account.id });
      return { ok: true, linkId };
    },
  };
}
