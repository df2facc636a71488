// What every template and handler may read from res.locals.
import type { OperatorRow } from '../../db/ops/operators.ts';
import type { SessionRow } from '../../db/auth/sessions.ts';
import type { AccountLinkRow, UserRow } from '../../db/auth/users.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      csrfToken: string;
      fragment: boolean;
      user?: UserRow;
      session?: SessionRow;
      sessionToken?: string;
      link?: AccountLinkRow;
      links?: AccountLinkRow[];
      operator?: OperatorRow;
      operatorToken?: string;
    }
  }
}

export {};
