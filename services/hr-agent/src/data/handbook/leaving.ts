import type { HandbookEntry } from '@switchboard/agent-kit';

/** Resigning, notice periods and the last weeks before leaving. */
export const leavingEntries: readonly HandbookEntry[] = [
  {
    id: 'notice-periods',
    title: 'Notice periods and resigning',
    keywords: [
      'notice',
      'notice period',
      'resign',
      'resignation',
      'quit',
      'quitting',
      'leave the company',
      'hand in my notice',
      'two weeks notice',
      'garden leave',
      'last day',
      'counter offer',
      'buy out notice',
      'leaving date',
      'walk out',
      'new employer',
      'job offer elsewhere',
      'handing in notice',
      'resignation letter',
      'how much notice',
      'cut my notice short',
      'moving on',
      'weeks notice',
    ],
    questions: [
      'how much notice do I have to give?',
      'how do I resign?',
      'can I leave earlier than my notice period?',
      'what is the notice period for managers?',
      'how much notice does the company have to give me?',
      'do I have to work my notice?',
      'who do I tell first when I quit?',
      'I got an offer from another company, how soon can I start there?',
    ],
    summary:
      'After probation the notice period is 4 weeks for individual contributors, 8 weeks for managers and 12 weeks for executives (1 week during probation); resign in writing to your manager and HR partner.',
    body: `- **During probation**: **1 week** either way.
- **After probation** (the notice you give): **4 weeks** for individual contributors, **8 weeks** for managers, **12 weeks** for executives. Your contract or local law (Germany, UK, Portugal) wins where it says more.
- **Notice the company gives**: at least the same, plus **1 week per full year of service after 5 years**, up to 12 weeks.
- **How to resign**: tell your manager, then confirm by email to your manager and HR partner with your intended last day; notice runs from the day after the email.
- **Shorter notice**: possible when your manager agrees; unused vacation may be used to shorten it. The company may also put you on garden leave (paid, not working) for part of the notice.`,
    contact: 'your HR partner (people@switchboard.example)',
  },
  {
    id: 'leaving-the-company',
    title: 'Leaving: final pay, exit interview, equipment and references',
    keywords: [
      'last day',
      'send back the laptop',
      'return equipment',
      'final paycheck',
      'leaving',
      'leaver',
      'offboarding',
      'final pay',
      'last paycheck',
      'unused vacation',
      'vacation payout',
      'pay out holiday',
      'exit interview',
      'return laptop',
      'reference',
      'references',
      'reference letter',
      'p45',
      'cobra',
      'hand back my laptop',
      'badge',
      'company phone',
      'courier box',
      'last payslip',
      'holiday payout',
      'final wages',
      'my last week',
      'reference from manager',
    ],
    questions: [
      'when do I get my last paycheck?',
      'are my unused vacation days paid out when I leave?',
      'how do I return my laptop after my last day?',
      'do I have to do an exit interview?',
      'will the company give me a reference?',
      'what happens to my health insurance when I leave?',
      'I took more holiday than I earned, will it be taken from my final pay?',
      'I finish on Friday, what do I do with my badge and company phone?',
    ],
    summary:
      'Your final pay, including unused vacation days, is paid on the next regular payday after your last day; return your equipment within 5 working days, and HR confirms your dates and job title for references.',
    body: `- **Final pay**: salary up to your last day plus **unused vacation** (accrued pro rata for the year, plus carried-over days) on the next regular payday (the 25th) after your last day. Vacation taken beyond what you had accrued is deducted.
- **Benefits**: health cover ends on the last day of the month you leave (US: COBRA continuation is offered); your pension stays yours.
- **Equipment**: return your laptop, phone, badge and any other company equipment by your last day — remote staff get a prepaid courier box and have **5 working days**. Unreturned equipment may be charged at its book value.
- **Exit interview**: an optional, confidential 30-minute conversation with your HR partner in your last week; only anonymised themes are shared.
- **References**: HR confirms your start and end dates and job title on request (references@switchboard.example). Personal references from managers are fine when labelled as such.`,
    contact: 'your HR partner (people@switchboard.example); final pay: Payroll (payroll@switchboard.example)',
  },
];
