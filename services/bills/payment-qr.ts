// The payment QR code of a bill in the ГОСТ Р 56042-2014 format that Russian banking apps scan.
import QRCode from 'qrcode';
import type { Company } from '../platform/config.ts';

export type PaymentQrInput = {
  company: Pick<Company, 'name' | 'inn' | 'kpp' | 'bank'>;
  accountNumber: string;
  /** 'YYYY-MM' */
  period: string;
  /** Omitted from the code when 0: the banking app then asks the customer for the amount. */
  sumKopecks: number;
  purpose: string;
};

/**
 * The standard's limits on the values (characters). The block is `ST0001` + `2` (UTF-8) and
 * the separator `|`; a value may not contain the separator, so it is replaced, as are line breaks.
 */
const maxLength: Record<string, number> = {
  Name: 160,
  PersonalAcc: 20,
  BankName: 45,
  BIC: 9,
  CorrespAcc: 20,
  PayeeINN: 12,
  KPP: 9,
  Sum: 18,
  Purpose: 210,
  PersAcc: 40,
  PaymPeriod: 6,
};

export function sanitizeQrValue(value: string, max: number): string {
  return value
    .replace(/[|\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

/** ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|Sum=…|Purpose=…|PersAcc=…|PaymPeriod=MMYYYY */
export function paymentQrPayload(input: PaymentQrInput): string {
  const [year, month] = input.period.split('-');
  const fields: [string, string][] = [
    ['Name', input.company.name],
    ['PersonalAcc', input.company.bank.account],
    ['BankName', input.company.bank.name],
    ['BIC', input.company.bank.bic],
    ['CorrespAcc', input.company.bank.correspondentAccount],
    ['PayeeINN', input.company.inn],
    ['KPP', input.company.kpp],
  ];
  if (input.sumKopecks > 0) fields.push(['Sum', String(Math.trunc(input.sumKopecks))]);
  fields.push(['Purpose', input.purpose], ['PersAcc', input.accountNumber], ['PaymPeriod', `${month}${year}`]);
  return ['ST00012', ...fields.map(([key, value]) => `${key}=${sanitizeQrValue(value, maxLength[key])}`).filter((f) => !f.endsWith('='))].join('|');
}

/** The code as an SVG document (medium error correction, the standard's quiet zone of 4 modules). */
export function paymentQrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The SVG as a data: URI for an <img>: no inline markup, and the PDF renderer needs no network. */
export async function paymentQrDataUri(payload: string): Promise<string> {
  return `data:image/svg+xml;base64,${Buffer.from(await paymentQrSvg(payload)).toString('base64')}`;
}
