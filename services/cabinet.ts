// Which accounts a user may open: every cabinet page goes through linkFor.
import type { Db } from '../db/connection.ts';
import { getUserLink, listUserLinks, type AccountLinkRow } from '../db/users.ts';
import type { Audit, AuditContext } from './audit.ts';

export type Cabinet = ReturnType<typeof createCabinet>;

export function createCabinet(db: Db, audit: Audit) {
  return {
    /** The user's own link, or undefined (and an audit entry) for anything else. */
    linkFor(userId: number, linkParam: string, context: AuditContext): AccountLinkRow | undefined {
      const linkId = /^[1-9]\d{0,15}$/.test(linkParam) ? Number(linkParam) : NaN;
      const link = Number.isSafeInteger(linkId) ? getUserLink(db, userId, linkId) : undefined;
      if (!link) audit.record(context, { event: 'access.foreign_link', userId, detail: { link: linkParam.slice(0, 40) } });
      return link;
    },

    links(userId: number): AccountLinkRow[] {
      return listUserLinks(db, userId);
    },
  };
}
