import { addDays, easterSunday, makeDate, nthWeekday, weekday, workingDays } from '../domain/calendar.js';
import type { Employee, Holiday, LeaveRecord, LeaveRequest } from '../domain/schemas.js';

/** The demo company's directory. `alice`, `bob` and `carol` are the ones the README uses. */
export const demoEmployees: readonly Employee[] = [
  {
    id: 'grace',
    name: 'Grace Hopper',
    title: 'Chief Operating Officer',
    department: 'executive',
    hrPartnerId: 'hana',
    email: 'grace@switchboard.example',
    location: 'New York',
  },
  {
    id: 'hana',
    name: 'Hana Kim',
    title: 'HR Business Partner',
    department: 'people',
    managerId: 'grace',
    hrPartnerId: 'hana',
    email: 'hana@switchboard.example',
    location: 'New York',
  },
  {
    id: 'bob',
    name: 'Bob Chen',
    title: 'Engineering Manager',
    department: 'engineering',
    managerId: 'grace',
    hrPartnerId: 'hana',
    email: 'bob@switchboard.example',
    location: 'Berlin',
  },
  {
    id: 'alice',
    name: 'Alice Martin',
    title: 'Senior Software Engineer',
    department: 'engineering',
    managerId: 'bob',
    hrPartnerId: 'hana',
    email: 'alice@switchboard.example',
    location: 'Berlin',
  },
  {
    id: 'dave',
    name: 'Dave Okafor',
    title: 'Software Engineer',
    department: 'engineering',
    managerId: 'bob',
    hrPartnerId: 'hana',
    email: 'dave@switchboard.example',
    location: 'Remote (Lisbon)',
  },
  {
    id: 'erin',
    name: 'Erin Walsh',
    title: 'Marketing Manager',
    department: 'marketing',
    managerId: 'grace',
    hrPartnerId: 'ivy',
    email: 'erin@switchboard.example',
    location: 'London',
  },
  {
    id: 'ivan',
    name: 'Ivan Petrov',
    title: 'Content Marketing Specialist',
    department: 'marketing',
    managerId: 'erin',
    hrPartnerId: 'ivy',
    email: 'ivan@switchboard.example',
    location: 'London',
  },
  {
    id: 'frank',
    name: 'Frank Russo',
    title: 'Finance Director',
    department: 'finance',
    managerId: 'grace',
    hrPartnerId: 'ivy',
    email: 'frank@switchboard.example',
    location: 'New York',
  },
  {
    id: 'carol',
    name: 'Carol Diaz',
    title: 'Financial Analyst',
    department: 'finance',
    managerId: 'frank',
    hrPartnerId: 'ivy',
    email: 'carol@switchboard.example',
    location: 'New York',
  },
  {
    id: 'ivy',
    name: 'Ivy Nguyen',
    title: 'HR Business Partner',
    department: 'people',
    managerId: 'hana',
    hrPartnerId: 'hana',
    email: 'ivy@switchboard.example',
    location: 'London',
  },
];

/** Entitlements per employee: vacation days a year, days carried over from last year, sick days. */
const entitlements: Record<string, { annual: number; carried: number; sick: number }> = {
  grace: { annual: 30, carried: 0, sick: 10 },
  hana: { annual: 25, carried: 2, sick: 10 },
  bob: { annual: 25, carried: 2, sick: 10 },
  alice: { annual: 20, carried: 3, sick: 10 },
  dave: { annual: 20, carried: 0, sick: 10 },
  erin: { annual: 25, carried: 5, sick: 10 },
  ivan: { annual: 20, carried: 1, sick: 10 },
  frank: { annual: 25, carried: 0, sick: 10 },
  carol: { annual: 15, carried: 0, sick: 10 },
  ivy: { annual: 22, carried: 0, sick: 10 },
};

/**
 * Company holidays of a year: fixed-date ones move to the nearest weekday when they fall on a
 * weekend (Saturday → Friday, Sunday → Monday).
 */
export function companyHolidays(year: number): Holiday[] {
  const observed = (date: string) => {
    const wd = weekday(date);
    return wd === 6 ? addDays(date, -1) : wd === 0 ? addDays(date, 1) : date;
  };
  const fixed = (month: number, day: number) => observed(makeDate(year, month, day)!);
  const list: Holiday[] = [
    { date: fixed(1, 1), name: "New Year's Day" },
    { date: addDays(easterSunday(year), -2), name: 'Good Friday' },
    { date: nthWeekday(year, 5, 1, -1), name: 'Memorial Day' },
    { date: fixed(7, 4), name: 'Independence Day' },
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day' },
    { date: nthWeekday(year, 11, 4, 4), name: 'Thanksgiving Day' },
    { date: addDays(nthWeekday(year, 11, 4, 4), 1), name: 'Day after Thanksgiving' },
    { date: fixed(12, 25), name: 'Christmas Day' },
  ];
  const eve = makeDate(year, 12, 24)!;
  if (weekday(eve) >= 1 && weekday(eve) <= 4) list.push({ date: eve, name: 'Christmas Eve' });
  // New Year's Day of next year observed on 31 Dec of this year belongs to next year's list.
  return list.filter((h) => h.date.startsWith(String(year))).sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The leave records the bucket is seeded with, given the seeding day: a little history earlier in
 * the year and some upcoming bookings, so balances and lists are not all empty.
 */
export function demoLeaveRecords(today: string): LeaveRecord[] {
  const year = Number(today.slice(0, 4));
  const holidays = new Set([...companyHolidays(year), ...companyHolidays(year + 1)].map((h) => h.date));
  const at = `${today}T09:00:00.000Z`;
  const req = (
    owner: string,
    id: string,
    type: LeaveRequest['type'],
    start: string,
    end: string,
  ): LeaveRequest => ({
    id,
    type,
    start,
    end,
    days: workingDays(start, end, holidays).length,
    status: 'approved',
    requestedBy: owner,
    taskId: `seed-${id}`,
    createdAt: at,
  });
  // Dates relative to the seeding day, shifted to weekdays so every request takes working days.
  const monday = (d: string) => addDays(d, (8 - weekday(d)) % 7);
  const earlier = (days: number) => {
    const d = addDays(today, -days);
    return d.startsWith(String(year)) ? d : undefined;
  };
  const requests: Record<string, LeaveRequest[]> = {};
  const add = (owner: string, r: LeaveRequest | undefined) => {
    if (!r) return;
    const list = requests[owner] ?? [];
    list.push(r);
    requests[owner] = list;
  };
  const pastStart = earlier(60);
  if (pastStart)
    add(
      'alice',
      req('alice', 'LR-seed-alice-1', 'vacation', monday(pastStart), addDays(monday(pastStart), 4)),
    );
  const sickDay = earlier(20);
  if (sickDay && weekday(sickDay) % 6 !== 0)
    add('alice', req('alice', 'LR-seed-alice-2', 'sick', sickDay, sickDay));
  const soon = monday(addDays(today, 21));
  add('bob', req('bob', 'LR-seed-bob-1', 'vacation', soon, addDays(soon, 4)));
  const later = monday(addDays(today, 35));
  add('carol', req('carol', 'LR-seed-carol-1', 'vacation', later, addDays(later, 1)));
  add('dave', req('dave', 'LR-seed-dave-1', 'vacation', addDays(later, 7), addDays(later, 11)));
  return Object.entries(entitlements).map(([employeeId, e]) => ({
    employeeId,
    annualDays: e.annual,
    carriedOverDays: e.carried,
    carryOverYear: year,
    sickDays: e.sick,
    requests: requests[employeeId] ?? [],
  }));
}

/** The leave record of an employee who has none yet (joined after the bucket was seeded). */
export function defaultLeaveRecord(employeeId: string, year: number): LeaveRecord {
  return { employeeId, annualDays: 20, carriedOverDays: 0, carryOverYear: year, sickDays: 10, requests: [] };
}
