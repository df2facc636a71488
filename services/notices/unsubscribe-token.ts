// The signed token of a one-click unsubscribe link: `<user id>.<list>.<HMAC>`. It is the link's
// only authentication (a mail client's RFC 8058 POST carries no cookie and no CSRF token), so the
// HMAC covers the user's id, when that user registered (an id reused after a closed cabinet does
// not inherit the old links) and which notices it switches off.
import { createHmac } from 'node:crypto';
import type { NoticeList } from '../../db/notices/notices.ts';
import { constantTimeEqual } from '../platform/tokens.ts';

const lists: readonly NoticeList[] = ['readings', 'debt'];

function signature(secret: string, userId: number, userCreatedAt: number, list: NoticeList): string {
  return createHmac('sha256', secret).update(`svet-unsubscribe:v1:${userId}:${userCreatedAt}:${list}`).digest('base64url');
}

export function unsubscribeToken(secret: string, user: { id: number; created_at: number }, list: NoticeList): string {
  return `${user.id}.${list}.${signature(secret, user.id, user.created_at, list)}`;
}

/** The user id and list a token names, before its signature is checked (that needs the user's row). */
export function parseUnsubscribeToken(token: string): { userId: number; list: NoticeList; mac: string } | null {
  const match = /^([1-9]\d{0,15})\.([a-z]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || !(lists as readonly string[]).includes(match[2])) return null;
  return { userId: Number(match[1]), list: match[2] as NoticeList, mac: match[3] };
}

export function signatureFits(secret: string, user: { id: number; created_at: number }, list: NoticeList, mac: string): boolean {
  return constantTimeEqual(mac, signature(secret, user.id, user.created_at, list));
}
