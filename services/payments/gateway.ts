// The acquiring gateway client: the RBS REST protocol Sberbank and other Russian acquirers speak
// (register.do, getOrderStatusExtended.do, signed callbacks), over real HTTP with fetch.
// СБП on the same order (RBS "sbp/c2b" methods, as Sberbank, Alfa, VTB gateways document them):
// after register.do, POST sbp/c2b/qr/dynamic/get.do with mdOrder (the orderId) and optional
// qrHeight, qrWidth, qrFormat (image), redirectUrl, paymentPurpose answers errorCode, qrId,
// payload (the https://qr.nspk.ru/… link), qrStatus and renderedQr (a base64 picture, unused:
// we draw the SVG ourselves). (sbp/c2b/qr/status.do with mdOrder + qrId answers the code's own
// qrStatus; we do not need it.) The order's status comes through getOrderStatusExtended.do and
// the same signed callbacks, so settling is the card's. How long the code lives is the order's
// sessionTimeoutSecs given to register.do.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { bind } from '../platform/bind.ts';

export type GatewaySettings = {
  /** Base URL ending in '/', e.g. https://securepayments.sberbank.ru/payment/rest/ — read at each call. */
  gatewayUrl: string | null;
  username: string;
  password: string;
  callbackKey: string;
  timeoutMs: number;
};

export type GatewayFailure = { ok: false; kind: 'timeout' | 'network' | 'bank' | 'protocol' | 'not-configured'; code?: string; message: string };

export type Registered = { ok: true; orderId: string; formUrl: string };

export type OrderStatus = {
  ok: true;
  orderStatus: number;
  orderNumber: string;
  amount: number;
  maskedPan: string | null;
  actionCode: number | null;
};

export type SbpQr = {
  ok: true;
  qrId: string;
  /** The https://qr.nspk.ru/… link the code carries; on a phone it opens the banking app. */
  payload: string;
  /** Not in the RBS answer: the sandbox bank's page where a tester "pays from the app". */
  testerUrl: string | null;
};


export type Gateway = ReturnType<typeof createGateway>;

/** RBS order statuses. */
export const bankStatus = { registered: 0, held: 1, deposited: 2, reversed: 3, refunded: 4, authorizing: 5, declined: 6 } as const;

/** The callback checksum: HMAC-SHA256 over the other parameters sorted by name as `name;value;`, hex. */
export function callbackChecksum(params: Record<string, string>, key: string): string {
  const payload = Object.keys(params)
    .filter((name) => name !== 'checksum' && name !== 'sign_alias')
    .sort()
    .map((name) => `${name};${params[name]};`)
    .join('');
  return createHmac('sha256', key).update(payload, 'utf8').digest('hex').toUpperCase();
}

export function verifyCallback(params: Record<string, string>, key: string): boolean {
  const sent = params.checksum;
  if (typeof sent !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sent)) return false;
  const expected = Buffer.from(callbackChecksum(params, key), 'hex');
  return timingSafeEqual(expected, Buffer.from(sent, 'hex'));
}

/** A Russian sentence for the customer; the bank's own text is kept for the log. */
export function failureMessage(failure: GatewayFailure): string {
  switch (failure.kind) {
    case 'timeout':
      return 'Банк не ответил вовремя. Деньги не списаны — попробуйте оплатить ещё раз через несколько минут.';
    case 'network':
      return 'Не удалось связаться с банком. Деньги не списаны — попробуйте оплатить ещё раз через несколько минут.';
    case 'not-configured':
      return 'Оплата картой сейчас недоступна. Деньги не списаны.';
    case 'bank':
      return `Банк не принял заказ (код ${failure.code}: ${failure.message}). Деньги не списаны — попробуйте ещё раз или позвоните нам.`;
    default:
      return 'Банк ответил непонятно. Деньги не списаны — попробуйте ещё раз позже.';
  }
}

export function createGateway(settings: GatewaySettings) {
  return bind(settings, { register, status, sbpQr, verifyCallback: callbackIsGenuine });
}

/** One POST of the protocol, its answer read as JSON; every way it can go wrong is a GatewayFailure. */
async function call(settings: GatewaySettings, method: string, params: Record<string, string>): Promise<{ ok: true; body: Record<string, unknown> } | GatewayFailure> {
  if (!settings.gatewayUrl) return { ok: false, kind: 'not-configured', message: 'PAYMENT_GATEWAY_URL is not set' };
  const url = new URL(method, settings.gatewayUrl.endsWith('/') ? settings.gatewayUrl : `${settings.gatewayUrl}/`);
  const form = new URLSearchParams({ userName: settings.username, password: settings.password, ...params });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, kind: 'timeout', message: `${method}: no answer in ${settings.timeoutMs} ms` };
    return { ok: false, kind: 'network', message: `${method}: ${(error as Error).message}` };
  }
  return readAnswer(settings, method, response);
}

async function readAnswer(settings: GatewaySettings, method: string, response: Response): Promise<{ ok: true; body: Record<string, unknown> } | GatewayFailure> {
  let body: unknown;
  try {
    const text = await response.text();
    body = JSON.parse(text);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, kind: 'timeout', message: `${method}: body not read in ${settings.timeoutMs} ms` };
    return { ok: false, kind: 'protocol', message: `${method}: HTTP ${response.status}, not JSON` };
  }
  if (!response.ok || typeof body !== 'object' || body === null) return { ok: false, kind: 'protocol', message: `${method}: HTTP ${response.status}` };
  const record = body as Record<string, unknown>;
  // RBS: errorCode "0" (or absent) is success; anything else comes with errorMessage.
  const code = record.errorCode === undefined ? '0' : String(record.errorCode);
  if (code !== '0') return { ok: false, kind: 'bank', code, message: String(record.errorMessage ?? 'ошибка банка').slice(0, 300) };
  return { ok: true, body: record };
}

/** register.do: the order at the bank, and the URL of the bank's payment page for it. */
async function register(
  settings: GatewaySettings,
  order: {
    orderNumber: string;
    amountKopecks: number;
    returnUrl: string;
    failUrl: string;
    description: string;
    email: string;
    callbackUrl: string;
    /** How long the bank keeps the order payable (RBS sessionTimeoutSecs); its default otherwise. */
    sessionTimeoutSeconds?: number;
  },
): Promise<Registered | GatewayFailure> {
  const answer = await call(settings, 'register.do', {
    orderNumber: order.orderNumber,
    amount: String(order.amountKopecks),
    currency: '643',
    language: 'ru',
    returnUrl: order.returnUrl,
    failUrl: order.failUrl,
    description: order.description,
    email: order.email,
    dynamicCallbackUrl: order.callbackUrl,
    ...(order.sessionTimeoutSeconds ? { sessionTimeoutSecs: String(order.sessionTimeoutSeconds) } : {}),
  });
  if (!answer.ok) return answer;
  const { orderId, formUrl } = answer.body;
  if (typeof orderId !== 'string' || orderId === '' || typeof formUrl !== 'string' || !/^https?:\/\//.test(formUrl)) {
    return { ok: false, kind: 'protocol', message: 'register.do: no orderId/formUrl' };
  }
  return { ok: true, orderId, formUrl };
}

/** getOrderStatusExtended.do: what the bank knows of the order now. */
async function status(settings: GatewaySettings, orderId: string): Promise<OrderStatus | GatewayFailure> {
  const answer = await call(settings, 'getOrderStatusExtended.do', { orderId, language: 'ru' });
  if (!answer.ok) return answer;
  const body = answer.body;
  const orderStatus = Number(body.orderStatus);
  const amount = Number(body.amount);
  if (!Number.isInteger(orderStatus) || orderStatus < 0 || orderStatus > 6 || !Number.isInteger(amount)) {
    return { ok: false, kind: 'protocol', message: 'getOrderStatusExtended.do: no orderStatus/amount' };
  }
  const card = body.cardAuthInfo as { maskedPan?: unknown } | undefined;
  return {
    ok: true,
    orderStatus,
    orderNumber: String(body.orderNumber ?? ''),
    amount,
    maskedPan: typeof card?.maskedPan === 'string' ? card.maskedPan : null,
    actionCode: typeof body.actionCode === 'number' ? body.actionCode : null,
  };
}

/** sbp/c2b/qr/dynamic/get.do: the dynamic СБП code for a registered order. */
async function sbpQr(settings: GatewaySettings, orderId: string, options: { redirectUrl?: string; purpose?: string } = {}): Promise<SbpQr | GatewayFailure> {
  const answer = await call(settings, 'sbp/c2b/qr/dynamic/get.do', {
    mdOrder: orderId,
    qrFormat: 'image',
    qrHeight: '300',
    qrWidth: '300',
    ...(options.redirectUrl ? { redirectUrl: options.redirectUrl } : {}),
    ...(options.purpose ? { paymentPurpose: options.purpose.slice(0, 140) } : {}),
  });
  if (!answer.ok) return answer;
  const { qrId, payload, testerUrl } = answer.body;
  if (typeof qrId !== 'string' || qrId === '' || typeof payload !== 'string' || !/^https:\/\/qr\.nspk\.ru\//.test(payload)) {
    return { ok: false, kind: 'protocol', message: 'sbp/c2b/qr/dynamic/get.do: no qrId/payload' };
  }
  return { ok: true, qrId, payload, testerUrl: typeof testerUrl === 'string' && /^https?:\/\//.test(testerUrl) ? testerUrl : null };
}

function callbackIsGenuine(settings: GatewaySettings, params: Record<string, string>): boolean {
  return verifyCallback(params, settings.callbackKey);
}
