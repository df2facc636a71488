// Form parsing at the edge: zod schemas with Russian messages, errors keyed by field id.
import { z } from 'zod';
import type { FieldErrors } from '../services/auth/auth.ts';
import { passwordRules } from '../services/auth/passwords.ts';

// Zod's own messages (a wrong type, an unknown value) in Russian, for the pages and the API alike.
z.config(z.locales.ru());

export const fields = {
  accountNumber: z
    .string({ error: 'Введите номер лицевого счёта' })
    .trim()
    .min(1, 'Введите номер лицевого счёта')
    .regex(/^\d{9}$/, 'Номер лицевого счёта — ровно 9 цифр, без пробелов и скобок'),
  password: z
    .string({ error: 'Введите пароль' })
    .min(1, 'Введите пароль')
    .min(passwordRules.min, `Пароль — не короче ${passwordRules.min} символов`)
    .max(passwordRules.max, `Пароль — не длиннее ${passwordRules.max} символов`),
  loginPassword: z.string({ error: 'Введите пароль' }).min(1, 'Введите пароль').max(1024, 'Неверный номер лицевого счёта или пароль.'),
  email: z
    .string({ error: 'Введите адрес электронной почты' })
    .trim()
    .min(1, 'Введите адрес электронной почты')
    .max(254, 'Адрес электронной почты слишком длинный')
    .pipe(z.email('Введите адрес электронной почты в виде name@example.ru')),
  phone: z
    .string({ error: 'Введите номер телефона' })
    .trim()
    .min(1, 'Введите номер телефона')
    .transform((value, ctx) => {
      const phone = normaliseRussianPhone(value);
      if (!phone) {
        ctx.addIssue({ code: 'custom', message: 'Введите российский номер телефона, например +7 910 123-45-67' });
        return z.NEVER;
      }
      return phone;
    }),
  proof: z
    .string({ error: 'Введите номер счётчика или сумму последнего счёта' })
    .trim()
    .min(1, 'Введите номер счётчика или сумму последнего счёта')
    .max(40, 'Слишком длинное значение'),
  code: z
    .string({ error: 'Введите код из письма' })
    .trim()
    .min(1, 'Введите код из письма')
    .regex(/^\d{8}$/, 'Код — 8 цифр из письма'),
  checkbox: (message: string) => z.literal('yes', { error: message }),
};

/** +7XXXXXXXXXX from the ways Russians write their numbers, or null. */
export function normaliseRussianPhone(text: string): string | null {
  if (!/^[\d\s()+-]{10,20}$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) return `+7${digits.slice(1)}`;
  if (digits.length === 10 && text.trim()[0] !== '+') return `+7${digits}`;
  return null;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function parseForm<T extends z.ZodType>(schema: T, body: unknown): Parsed<z.infer<T>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The typed values to show again: strings only, never passwords, trimmed to a sane length. */
export function keptValues(body: unknown, names: string[]): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    values[name] = typeof value === 'string' ? value.slice(0, 300) : '';
  }
  return values;
}
