// The user's sessions as the settings page lists them, and ending the other ones or all of them.
import { deleteOtherSessions, listUserSessions } from '../../db/accounts/settings.ts';
import type { RequestContext } from '../auth/auth.ts';
import type { SessionView, SettingsContext } from './settings.ts';

export function sessionViews({ db }: SettingsContext, userId: number, currentId: string): SessionView[] {
  return listUserSessions(db, userId).map((s) => ({
    current: s.id === currentId,
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
