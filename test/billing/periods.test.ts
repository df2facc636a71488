// localDate: the company's calendar day of an instant, remembered for the minute it was asked in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localDate } from '../../services/billing/periods.ts';

const moscowMidnight = Date.UTC(2026, 11, 6, 21, 0, 0); // 2026-12-07 00:00 in Moscow (UTC+3)

test('the day turns at local midnight, asked in any order and across zones', () => {
  const before = moscowMidnight - 1;
  assert.equal(localDate(before, 'Europe/Moscow'), { year: 2026, month: 12, day: 6 });
  assert.equal(localDate(before, 'Europe/Moscow'), { year: 2026, month: 12, day: 6 }, 'the same minute again');
  assert.equal(localDate(moscowMidnight, 'Europe/Moscow'), { year: 2026, month: 12, day: 7 });
  assert.equal(localDate(before, 'Europe/Moscow'), { year: 2026, month: 12, day: 6 }, 'an earlier minute after a later one');
  assert.equal(localDate(before, 'Europe/Kaliningrad'), { year: 2026, month: 12, day: 6 });
  assert.equal(localDate(before, 'Asia/Vladivostok'), { year: 2026, month: 12, day: 7 });
  assert.equal(localDate(moscowMidnight, 'Europe/Moscow'), { year: 2026, month: 12, day: 7 }, 'each zone keeps its own answer');
});

test('a caller changing the answer it got does not change the next one', () => {
  const first = localDate(moscowMidnight, 'Europe/Moscow');
  first.day = 31;
  assert.equal(localDate(moscowMidnight, 'Europe/Moscow'), { year: 2026, month: 12, day: 7 });
});

test.run();
