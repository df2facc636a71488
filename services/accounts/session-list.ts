// The user's sessions as the settings page lists them, and ending one of the others, the others or all of them.
import { deleteOtherSessions, deleteUserSession, listUserSessions } from '../../db/accounts/settings.ts';
import type { RequestContext } from '../auth/auth.ts';
import { hashSecret } from '../platform/tokens.ts';
import type { SessionView, SettingsContext } from './settings.ts';

export function sessionViews({ db }: SettingsContext, userId: number, currentId: string): SessionView[] {
  return listUserSessions(db, userId).map((s) => ({
    current: s.id === currentId,
    publicId: publicSessionId(s.id),
    device: describeDevice(s.user_agent),
    ip: s.ip,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
  }));
}

export function endOtherSessions({ db, audit }: SettingsContext, userId: number, currentId: string, context: RequestContext): number {
  const ended = deleteOtherSessions(db, userId, currentId);
  audit.record(context, { event: 'settings.sessions_ended', userId, detail: { ended, keptCurrent: true } });
  return ended;
}

/**
 * What the page names a session by. The row's id is the SHA-256 of the cookie's token and the key of
 * the table, so it never goes into HTML; this is a hash of it under its own label, 64 bits: it tells
 * nothing about the token or the id, and is only ever looked up among the user's own sessions.
 */
export function publicSessionId(sessionId: string): string {
  return hashSecret(`session-public:${sessionId}`).slice(0, 16);
}

/** Ends the one other session of this user named by publicId; false when none (or, by a fluke, two) match. */
export function endOneSession({ db, audit }: SettingsContext, userId: number, currentId: string, publicId: string, context: RequestContext): boolean {
  const matches = listUserSessions(db, userId).filter((s) => s.id !== currentId && publicSessionId(s.id) === publicId);
  if (matches.length !== 1 || !deleteUserSession(db, userId, matches[0].id)) return false;
  audit.record(context, { event: 'settings.session_ended', userId, detail: { ended: 1, keptCurrent: true } });
  return true;
}

export function endAllSessions({ audit, sessions }: SettingsContext, userId: number, context: RequestContext): number {
  const ended = sessions.endAllForUser(userId);
  audit.record(context, { event: 'settings.sessions_ended', userId, detail: { ended, keptCurrent: false } });
  return ended;
}

/** «Chrome, Android» from a User-Agent; «Неизвестное устройство» when it says nothing useful. */
export function describeDevice(userAgent: string): string {
  const ua = userAgent ?? '';
  const browser =
    /YaBrowser\//.test(ua) ? 'Яндекс Браузер'
    : /Edg(e|A|iOS)?\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\/|FxiOS\//.test(ua) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) && /Version\//.test(ua) ? 'Safari'
    : /node|undici|curl|Wget/i.test(ua) ? 'Программа'
    : '';
  const system =
    /Android/.test(ua) ? 'Android'
    : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  const parts = [browser, system].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'Неизвестное устройство';
}
