import type { HandbookEntry } from '@switchboard/agent-kit';
import { policies } from '../policies.js';

/** Questions employees ask about each of the existing leave policies (`../policies.ts`), by policy id. */
const leaveQuestions: Readonly<Record<string, readonly string[]>> = {
  vacation: [
    'how many vacation days do I get a year?',
    'can I carry over unused PTO to next year?',
    'how far ahead do I have to book a week off?',
    'do my leftover holiday days expire?',
    'do I get paid for vacation days I did not take?',
    'do part-timers get the same annual leave?',
    'I want to go to Spain for two weeks in August, how do I book it?',
    'how many days off do I have left this year?',
  ],
  'sick-leave': [
    'how many sick days do I get?',
    'do I need a doctor note if I am off sick?',
    'who do I tell when I call in sick?',
    'can I take a sick day to look after my kid?',
    'I got sick on holiday, do I get the days back?',
    'what happens if I am ill for more than two weeks?',
    "I woke up with a high temperature and can't come in today, what should I do?",
    'I need an operation and will be out for a few weeks, am I still paid?',
  ],
  'parental-leave': [
    'how much maternity leave do we get?',
    'is there paid paternity leave?',
    'do adoptive parents get parental leave?',
    'can I split my parental leave into blocks?',
    'when do I have to tell HR I am pregnant?',
    'can I come back part-time after parental leave?',
    'my wife is expecting in spring, how long can I stay home with the baby?',
    'we are adopting a little girl next month, how much time off do I get?',
  ],
  bereavement: [
    'how much time off do I get if a relative dies?',
    'my grandmother passed away, can I take time off?',
    'can I get time off for the funeral of a friend?',
    'do I need to show a death certificate?',
    'is there leave after a miscarriage?',
    'my dad passed away last night, how many days can I take?',
    "I need to fly home for my uncle's memorial service, is that paid?",
    'we lost our baby at 14 weeks, can my partner and I take time off?',
  ],
  'remote-work': [
    'how many days a week can I work from home?',
    'can I work from another country for a few weeks?',
    'is there a budget for my home office?',
    'does the company pay for my internet at home?',
    'can I become fully remote?',
    'do I really have to come into the office twice a week?',
    "can I spend a month working from my parents' place in Italy?",
    'I want to work from a beach in Portugal for three weeks, is that allowed?',
  ],
  'unpaid-leave': [
    'can I take unpaid leave?',
    'how long can an unpaid leave of absence be?',
    'is there a sabbatical policy?',
    'do I keep my health insurance during unpaid leave?',
    'do I have to use my vacation before unpaid leave?',
    'I want to take three months off to travel around South America, is that possible?',
    'I have used all my holiday but need another week off, can I take it without pay?',
    "I've been here six years, can I take a long break and come back?",
  ],
  'company-holidays': [
    'when are the company holidays this year?',
    'is the office closed on Christmas Eve?',
    'what happens when a public holiday falls on a weekend?',
    'can I swap a holiday for a religious holiday of my own?',
    'I worked on a bank holiday, do I get a day back?',
    'is the office open on the Friday after Thanksgiving?',
    'I celebrate Diwali instead of Christmas, can I take that day off instead?',
    'which days is the office shut this year?',
  ],
  'jury-duty': [
    'am I paid while on jury duty?',
    'I got a court summons as a witness, what do I do?',
    'do I get time off to vote?',
    'how many paid days do I get for military reserve training?',
    'who do I send my jury summons to?',
    'I have been picked to serve on a jury for two weeks, will I lose pay?',
    'can I leave early on election day to get to the polling station?',
    'I am in the army reserve and have a training camp, is that paid?',
  ],
  'leave-approval': [
    'who approves my time off?',
    'is my leave request approved automatically?',
    'can I cancel vacation I already booked?',
    'my manager asked me to move my holiday, can they do that?',
    'can my manager book leave for me?',
    'how do I fix leave that was recorded wrong?',
    "my boss hasn't said yes to my days off yet, are they booked?",
    'I booked the wrong dates for my trip, how do I change them?',
  ],
};

const partner = 'your HR partner (people@switchboard.example)';
const leaveContacts: Readonly<Record<string, string>> = {
  'leave-approval': `your manager, or ${partner}`,
  'jury-duty': `${partner}; send summonses there too`,
};

/** The existing leave policies as handbook entries. */
export const leaveEntries: readonly HandbookEntry[] = policies.map((p) => {
  const questions = leaveQuestions[p.id];
  if (!questions) throw new Error(`no handbook questions for HR policy ${p.id}`);
  return {
    id: p.id,
    title: p.title,
    keywords: p.keywords,
    questions,
    summary: p.summary,
    body: p.body,
    contact: leaveContacts[p.id] ?? partner,
  };
});
