// The built-in sandbox bank: a small separate HTTP service speaking the RBS REST protocol
// (register.do, getOrderStatusExtended.do, refund.do, reverse.do), with its own hosted payment
// page (works with JS off), a 3-D Secure-like code step, redirects back and signed callbacks,
// and СБП's dynamic QR codes with a page where a tester pays "from the banking app" (sbp.ts).
// Test cards: 4111 1111 1111 1111 pays, 4000 0000 0000 0002 is declined, 5555 5555 5555 4444
// asks for the code 123456. For tests it can misbehave on demand (see SandboxBehaviour).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../../db/connection.ts';
import { bind } from '../../platform/bind.ts';
import { callbackParams, idle, sendCallback } from './callbacks.ts';
import { findOrder, refund, reverse } from './orders.ts';
import { createApp } from './server.ts';

export type SandboxBehaviour = {
  /** Send callbacks at all (off: the app must find out by asking, e.g. after a crash). */
  callbacks: boolean;
  /** Wait this long before each callback (a late one). */
  callbackDelayMs: number;
  /** Extra copies of every callback, sent at once. */
  duplicateCallbacks: number;
  /** Sign callbacks with a wrong key. */
  wrongChecksum: boolean;
  /** Answer register.do with this error instead of registering. */
  registerError: { code: string; message: string } | null;
  /** Answer sbp/c2b/qr/dynamic/get.do with this error instead of a code. */
  qrError: { code: string; message: string } | null;
  /** Wait this long before answering the API (to test the client's timeout). */
  answerDelayMs: number;
  /** Report this much more than the order's amount in getOrderStatusExtended.do. */
  reportedAmountDelta: number;
};

export const defaultBehaviour: SandboxBehaviour = {
  callbacks: true,
  callbackDelayMs: 0,
  duplicateCallbacks: 0,
  wrongChecksum: false,
  registerError: null,
  qrError: null,
  answerDelayMs: 0,
  reportedAmountDelta: 0,
};

export type SandboxDeps = {
  db: Db;
  username: string;
  password: string;
  callbackKey: string;
  /** An unpaid order expires (status 6) after this long, as RBS's sessionTimeoutSecs. */
  sessionTimeoutSeconds?: number;
  behaviour?: Partial<SandboxBehaviour>;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
};

/** What the bank's parts share: its dependencies, its behaviour and the callbacks in flight. */
export type SandboxContext = {
  deps: SandboxDeps;
  db: Db;
  /** Seconds, by deps.now when given. */
  now: () => number;
  sessionTimeout: number;
  behaviour: SandboxBehaviour;
  log: (message: string, error?: unknown) => void;
  inFlight: Set<Promise<unknown>>;
};

export type SandboxBank = ReturnType<typeof createSandboxBank>;

export function createSandboxBank(deps: SandboxDeps) {
  const bank: SandboxContext = {
    deps,
    db: deps.db,
    now: () => Math.floor((deps.now ?? Date.now)() / 1000),
    sessionTimeout: deps.sessionTimeoutSeconds ?? 1200,
    behaviour: { ...defaultBehaviour, ...deps.behaviour },
    log: deps.log ?? ((message: string, error?: unknown) => console.error(`sandbox bank: ${message}`, error ?? '')),
    inFlight: new Set(),
  };
  return {
    app: createApp(bank),
    behaviour: bank.behaviour,
    ...bind(bank, { order: findOrder, refund, reverse, callbackParams, sendCallback, idle }),
  };
}

export type RunningSandboxBank = SandboxBank & { origin: string; gatewayUrl: string; port: number; server: Server; close(): Promise<void> };

/** Listens on 127.0.0.1 (port 0: any free one); gatewayUrl is what PAYMENT_GATEWAY_URL would be. */
export async function startSandboxBank(deps: SandboxDeps, options: { port?: number; host?: string; server?: Server } = {}): Promise<RunningSandboxBank> {
  const bank = createSandboxBank(deps);
  const server = options.server ?? createServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  server.on('request', bank.app);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    ...bank,
    origin,
    gatewayUrl: `${origin}/payment/rest/`,
    port,
    server,
    async close() {
      await bank.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
