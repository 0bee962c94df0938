/**
 * The HR policy corpus, embedded so it ships in `dist` with the code. Each policy is a short
 * markdown document with a one-line summary and the words people use when asking about it.
 */
export interface Policy {
  id: string;
  title: string;
  /** Words and phrases that point at this policy (lower-case). */
  keywords: readonly string[];
  summary: string;
  body: string;
}

export const policies: readonly Policy[] = [
  {
    id: 'vacation',
    title: 'Vacation and carry-over',
    keywords: [
      'lose my days',
      'unused days',
      'use it or lose it',
      'days expire',
      'take before new year',
      'year end',
      'vacation',
      'pto',
      'annual leave',
      'holiday allowance',
      'carry over',
      'carry-over',
      'roll over',
      'rollover',
      'unused',
      'accrue',
      'book',
      'notice',
      'approval',
      'days off',
      'paid time off',
      'leave balance',
      'days left',
      'vacation days',
      'book a holiday',
      'going away',
      'summer holiday',
      'leftover days',
      'remaining days',
    ],
    summary:
      'Full-time employees get 20–30 vacation days a year (see your balance); up to 5 unused days carry over into the next year and must be used by 31 March.',
    body: `# Vacation and carry-over
- **Entitlement**: 20 working days a year for most roles, 25 for managers, 30 for executives; part-time staff pro rata.
- **Booking**: book through the HR agent or the HR portal at least 2 weeks ahead for more than 3 days; shorter leave needs 2 working days' notice. Requests within your balance are approved automatically; your manager is notified.
- **Carry-over**: up to **5 unused days** roll over into the next calendar year and must be used by **31 March**; days above 5 lapse unless your manager and HR partner agree in writing (e.g. leave cancelled for business reasons).
- **Pay-out**: unused days are paid out only when you leave the company.
- Weekends and company holidays inside a booking are not counted.`,
  },
  {
    id: 'sick-leave',
    title: 'Sick leave',
    keywords: [
      'fever',
      'not coming in',
      'call in',
      'let someone know',
      'migraine',
      'flu',
      'sick',
      'ill',
      'illness',
      'unwell',
      'not feeling well',
      'doctor',
      'doctor note',
      "doctor's note",
      'medical',
      'sick day',
      'sick days',
      'call in sick',
      'fit note',
      'off sick',
      'poorly',
      'stomach bug',
      'covid',
      'cold',
      'hospital',
      'surgery',
      'kid is sick',
      'sick note',
    ],
    summary:
      '10 paid sick days a year; tell your manager before 10:00 on the first day; a doctor note is needed from the 4th consecutive day.',
    body: `# Sick leave
- **Allowance**: 10 paid sick days per calendar year, separate from vacation. Longer illness is covered by short-term disability after 10 consecutive working days — talk to your HR partner.
- **Reporting**: tell your manager (or record a sick day through the HR agent) before 10:00 on the first day of absence.
- **Doctor note**: needed from the **4th consecutive** sick day, and for any sick day next to a vacation.
- **Family care**: up to 3 of the 10 days may be used to care for a sick child or dependant.
- Sick days during a vacation are given back when reported within 5 days with a doctor note.`,
  },
  {
    id: 'parental-leave',
    title: 'Parental leave (maternity, paternity, adoption)',
    keywords: [
      'wife is due',
      'partner is pregnant',
      'dad',
      'father',
      'mother',
      'new baby',
      'weeks off as a parent',
      'parental',
      'maternity',
      'paternity',
      'pregnant',
      'pregnancy',
      'baby',
      'birth',
      'adoption',
      'adopt',
      'new parent',
      'new father',
      'new mother',
      'child',
      'newborn',
      'surrogacy',
      'foster',
      'expecting',
      'having a baby',
      'baby is due',
      'due date',
      'mat leave',
      'pat leave',
      'stay home with the baby',
    ],
    summary:
      'Birth parents get 20 weeks fully paid; other parents (incl. adoptive and foster) get 12 weeks fully paid, to be taken within 12 months of the birth or placement.',
    body: `# Parental leave
- **Birth parent**: 20 weeks at full pay; up to 4 of them may start before the due date.
- **Non-birth parent** (paternity, partner, adoptive or foster parent): 12 weeks at full pay.
- **When**: within 12 months of the birth or placement, in at most 3 blocks of at least 2 weeks.
- **Eligibility**: from the first day of employment; no minimum service.
- **Notice**: tell your manager and HR partner at least 8 weeks before the leave starts (or as soon as possible for adoption).
- **Return**: a phased return (50% time at full pay) for up to 4 weeks after the leave.`,
  },
  {
    id: 'bereavement',
    title: 'Bereavement leave',
    keywords: [
      'bereavement',
      'funeral',
      'death',
      'died',
      'dies',
      'passed away',
      'loss',
      'grief',
      'relative',
      'family member',
      'compassionate',
      'loved one',
      'lost my mother',
      'lost my father',
      'mourning',
      'memorial service',
      'burial',
      'miscarriage',
      'pregnancy loss',
      'friend died',
    ],
    summary:
      'Up to 5 paid days for the death of a close family member, 2 days for other relatives; more on request.',
    body: `# Bereavement leave
- **Close family** (partner, child, parent, sibling, grandparent, grandchild, including in-laws and step-relatives): up to **5 paid working days**.
- **Other relatives and close friends**: up to **2 paid working days**, e.g. to attend a funeral.
- **Pregnancy loss**: 5 paid working days for either parent.
- The days need not be consecutive and may be taken within 3 months of the death.
- No documentation is required. Tell your manager; your HR partner can arrange more time (paid or unpaid) when needed.`,
  },
  {
    id: 'remote-work',
    title: 'Remote and hybrid work',
    keywords: [
      'remote',
      'work from home',
      'wfh',
      'home office',
      'hybrid',
      'office',
      'another country',
      'abroad',
      'work abroad',
      'working abroad',
      'relocate',
      'days a week',
      'anywhere',
      'working from home',
      'home working',
      'hybrid schedule',
      'office days',
      'come into the office',
      'remote work',
      'digital nomad',
      'workation',
      'internet allowance',
      'home internet',
    ],
    summary:
      'Hybrid by default: at least 2 office days a week for office-based staff; up to 4 weeks a year working from another country with HR approval.',
    body: `# Remote and hybrid work
- **Hybrid**: office-based employees work from the office at least **2 days a week** (team days set by the manager) and from home the rest.
- **Fully remote** roles are agreed in the contract; they still join an on-site week twice a year.
- **Working abroad**: up to **4 weeks a year** from another country, with your manager's and HR partner's approval at least 3 weeks ahead (tax and immigration checks). Longer stays are not possible.
- **Equipment**: home office equipment (chair, desk, monitor) is reimbursed up to 300 USD per calendar year under the spending policy, plus a monthly internet allowance of 30 USD (claim both through the finance agent).
- Security rules apply everywhere: company laptop only, VPN on public networks.`,
  },
  {
    id: 'unpaid-leave',
    title: 'Unpaid leave and sabbaticals',
    keywords: [
      'career break',
      'time off to travel',
      'months off',
      'extended leave',
      'unpaid',
      'sabbatical',
      'leave of absence',
      'without pay',
      'unpaid time off',
      'time out',
      'gap year',
      'travel the world',
      'long break',
      'step away',
      'personal leave',
      'without salary',
      'few months off',
    ],
    summary:
      'Up to 20 days of unpaid leave a year with manager approval; a sabbatical of 1–3 months after 5 years.',
    body: `# Unpaid leave and sabbaticals
- **Unpaid leave**: up to 20 working days a year, with your manager's approval; ask at least 4 weeks ahead. Vacation must be used first.
- **Sabbatical**: after 5 years of service, 1 to 3 months unpaid (the first month at half pay), agreed with your manager and HR partner 3 months ahead.
- Benefits continue during unpaid leave; vacation does not accrue during a sabbatical.`,
  },
  {
    id: 'company-holidays',
    title: 'Company holidays and office closures',
    keywords: [
      'office open',
      'office closed',
      'day after thanksgiving',
      'public holiday',
      'company holiday',
      'bank holiday',
      'closure',
      'christmas',
      'thanksgiving',
      'new year',
      'good friday',
      'floating holiday',
      'national holiday',
      'christmas eve',
      'fourth of july',
      'independence day',
      'memorial day',
      'labor day',
      'religious holiday',
      'eid',
      'diwali',
      'holiday calendar',
    ],
    summary:
      'The company observes 8–9 holidays a year (list them with "company holidays"); one floating holiday may be swapped for another cultural or religious day.',
    body: `# Company holidays
- The offices close on the company holidays of the year (New Year's Day, Good Friday, Memorial Day, Independence Day, Labor Day, Thanksgiving and the day after, Christmas Day, and Christmas Eve when it falls Monday–Thursday).
- A holiday on a Saturday is observed on the Friday before; on a Sunday, on the Monday after.
- **Floating holiday**: you may swap one company holiday a year for another cultural or religious holiday; agree it with your manager.
- Working on a company holiday (on-call, incidents) earns a day off in lieu, to be used within 3 months.`,
  },
  {
    id: 'jury-duty',
    title: 'Jury duty and civic leave',
    keywords: [
      'jury service',
      'called for jury',
      'court summons',
      'still get my salary',
      'jury',
      'jury duty',
      'court',
      'witness',
      'civic',
      'vote',
      'voting',
      'military',
      'reserve',
      'jury summons',
      'serve on a jury',
      'juror',
      'subpoena',
      'give evidence',
      'election day',
      'polling station',
      'army reserve',
      'national guard',
      'reservist',
    ],
    summary:
      'Paid leave for jury duty and witness summons; 2 hours paid to vote; military reserve duty up to 15 days paid.',
    body: `# Jury duty and civic leave
- **Jury duty or a witness summons**: paid leave for the whole service; send the summons to your HR partner.
- **Voting**: up to 2 paid hours on election days.
- **Military reserve training**: up to 15 paid days a year.`,
  },
  {
    id: 'leave-approval',
    title: 'Who approves leave, and changes',
    keywords: [
      'approve',
      'approval',
      'manager approval',
      'cancel',
      'change',
      'withdraw',
      'who approves',
      'reject',
      'declined',
      'approve my leave',
      'request pending',
      'leave request',
      'time off request',
      'move my holiday',
      'change my dates',
      'cancel my vacation',
      'cancel my holiday',
      'booked wrong',
      'manager refused',
    ],
    summary:
      'Leave within your balance is approved automatically and your manager is notified; you can cancel upcoming leave any time before it starts.',
    body: `# Approval and changes
- Requests within your balance that do not overlap other leave are **approved automatically**; your manager is notified and may ask you to move them for business reasons.
- Managers can see and book or cancel leave for their direct reports.
- **Cancelling**: upcoming leave can be cancelled any time before it starts, and the days go back to your balance. Leave that has started or been taken can only be corrected by your HR partner.`,
  },
];
