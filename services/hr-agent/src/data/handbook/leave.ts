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
  ],
  'sick-leave': [
    'how many sick days do I get?',
    'do I need a doctor note if I am off sick?',
    'who do I tell when I call in sick?',
    'can I take a sick day to look after my kid?',
    'I got sick on holiday, do I get the days back?',
    'what happens if I am ill for more than two weeks?',
  ],
  'parental-leave': [
    'how much maternity leave do we get?',
    'is there paid paternity leave?',
    'do adoptive parents get parental leave?',
    'can I split my parental leave into blocks?',
    'when do I have to tell HR I am pregnant?',
    'can I come back part-time after parental leave?',
  ],
  bereavement: [
    'how much time off do I get if a relative dies?',
    'my grandmother passed away, can I take time off?',
    'can I get time off for the funeral of a friend?',
    'do I need to show a death certificate?',
    'is there leave after a miscarriage?',
  ],
  'remote-work': [
    'how many days a week can I work from home?',
    'can I work from another country for a few weeks?',
    'is there a budget for my home office?',
    'does the company pay for my internet at home?',
    'can I become fully remote?',
  ],
  'unpaid-leave': [
    'can I take unpaid leave?',
    'how long can an unpaid leave of absence be?',
    'is there a sabbatical policy?',
    'do I keep my health insurance during unpaid leave?',
    'do I have to use my vacation before unpaid leave?',
  ],
  'company-holidays': [
    'when are the company holidays this year?',
    'is the office closed on Christmas Eve?',
    'what happens when a public holiday falls on a weekend?',
    'can I swap a holiday for a religious holiday of my own?',
    'I worked on a bank holiday, do I get a day back?',
  ],
  'jury-duty': [
    'am I paid while on jury duty?',
    'I got a court summons as a witness, what do I do?',
    'do I get time off to vote?',
    'how many paid days do I get for military reserve training?',
    'who do I send my jury summons to?',
  ],
  'leave-approval': [
    'who approves my time off?',
    'is my leave request approved automatically?',
    'can I cancel vacation I already booked?',
    'my manager asked me to move my holiday, can they do that?',
    'can my manager book leave for me?',
    'how do I fix leave that was recorded wrong?',
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
