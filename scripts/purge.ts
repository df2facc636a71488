// The retention purge, safe beside the server (the server also runs it hourly): npm run purge
// Expired sessions and codes; sent letters after OUTBOX_KEEP_DAYS; the audit log after AUDIT_KEEP_DAYS; payments' receipt e-mails after PAYMENT_EMAIL_KEEP_DAYS.
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createRetention } from '../services/ops/retention.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
const started = Date.now();
const counts = createRetention({ db, clock: systemClock, session: config.session, policy: config.retention }).purge();
db.close();
console.log(JSON.stringify({ deleted: counts, seconds: (Date.now() - started) / 1000 }));
