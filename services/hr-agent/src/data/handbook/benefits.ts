import type { HandbookEntry } from '@switchboard/agent-kit';

/** Health cover, pension and the other benefits. */
export const benefitsEntries: readonly HandbookEntry[] = [
  {
    id: 'health-insurance',
    title: 'Health and dental insurance',
    keywords: [
      'health insurance',
      'medical insurance',
      'health plan',
      'medical',
      'dental',
      'dentist',
      'vision',
      'glasses',
      'insurance',
      'coverage',
      'cover',
      'dependants',
      'open enrollment',
      'enrol',
      'enroll',
      'private medical',
      'healthcare',
    ],
    questions: [
      'what health insurance do we get?',
      'is dental covered?',
      'can I add my partner and kids to my health plan?',
      'when does my medical cover start?',
      'how do I change my health plan?',
      'I just had a baby, how do I add them to my insurance?',
      'what does the company pay towards health insurance?',
    ],
    summary:
      'Everyone is covered from the first day: in the US the company pays 90% of your medical, dental and vision premium and 75% for dependants; in the UK, Germany and Portugal a company-paid private plan tops up the state system.',
    body: `- **US (New York)**: choice of two medical plans plus dental and vision; the company pays **90%** of the employee premium and **75%** for a partner and children.
- **UK, Germany, Portugal**: private medical cover for you and your family, fully company-paid, on top of the state health system (Germany: statutory insurance contributions are split with the company as the law requires); dental cover up to 1,000 USD a year per person.
- **Start**: cover starts on your first day; enrol in the benefits portal within **30 days** of joining, or you get the default plan for yourself only.
- **Changes**: once a year in open enrollment (1–30 November, effective 1 January), or within **30 days** of a life event (marriage, birth, adoption, partner losing cover).
- Cover continues during paid leave, parental leave and unpaid leave, and ends on the last day of the month you leave.`,
    contact: 'the Benefits team (benefits@switchboard.example)',
  },
  {
    id: 'pension',
    title: 'Pension and retirement plan',
    keywords: [
      'pension',
      'retirement',
      '401k',
      '401(k)',
      'retirement plan',
      'employer match',
      'match',
      'matching',
      'contribution',
      'contributions',
      'vesting',
      'vested',
      'savings',
      'salary sacrifice',
    ],
    questions: [
      'does the company match my 401k?',
      'how much does the company put into my pension?',
      'how do I change my pension contribution?',
      'when am I vested?',
      'am I enrolled in the pension automatically?',
      'what happens to my pension when I leave?',
    ],
    summary:
      'You are enrolled automatically at 4% of base salary, and the company adds a match of up to 5% of base salary (100% of the first 4% plus 50% of the next 2%), vested immediately.',
    body: `- **Plans**: a 401(k) in the US, a workplace pension in the UK (salary sacrifice), a company pension (bAV) in Germany and a PPR plan in Portugal.
- **Auto-enrolment**: from your first payroll at **4%** of base salary; opt out or change it any time in the benefits portal — changes take effect from the next payroll.
- **Match**: the company pays **100% of the first 4%** you contribute plus **50% of the next 2%** — up to **5%** of base salary.
- **Vesting**: your own and the company contributions are yours from day one.
- **Leaving**: the pot stays yours; you can leave it in the plan or transfer it to a new provider.`,
    contact: 'the Benefits team (benefits@switchboard.example)',
  },
  {
    id: 'other-benefits',
    title: 'Life insurance, EAP, wellbeing and childcare',
    keywords: [
      'yoga',
      'fitness app',
      'gym membership',
      'wellness allowance',
      'wellbeing budget',
      'benefits',
      'perks',
      'life insurance',
      'life assurance',
      'disability',
      'eap',
      'employee assistance',
      'counselling',
      'counseling',
      'therapy',
      'mental health',
      'gym',
      'wellbeing',
      'wellness',
      'childcare',
      'daycare',
      'nursery',
      'backup care',
    ],
    questions: [
      'do we have life insurance?',
      'is there free counselling or therapy?',
      'does the company pay for the gym?',
      'what wellbeing perks do we get?',
      'is there any help with childcare costs?',
      'who do I call if I am struggling mentally?',
      'what benefits do I get apart from health insurance?',
    ],
    summary:
      'Company-paid life insurance of 3x base salary, a free confidential Employee Assistance Programme, a wellbeing allowance of 600 USD a year, and 10 days of back-up childcare a year.',
    body: `- **Life insurance**: 3x your base salary, company-paid, from day one; name or change your beneficiaries in the benefits portal. Long-term disability cover replaces 60% of salary after the short-term disability period.
- **Employee Assistance Programme (EAP)**: free, confidential counselling 24/7 for you and your household — up to **8 sessions per issue** — plus legal and money advice; the company never learns who called (eap.switchboard.example, or the phone number in the benefits portal).
- **Wellbeing allowance**: **600 USD a year** (or local equivalent) for a gym, sports classes or wellbeing apps; claim it in the benefits portal with a receipt, paid with your salary. Unused allowance does not carry over.
- **Childcare**: **10 days a year** of subsidised back-up childcare or elder care; in the US a dependent care FSA (pre-tax, up to the legal limit), elsewhere childcare vouchers where local law allows.
- Benefits for part-time staff are the same, except the wellbeing allowance, which is pro rata.`,
    contact: 'the Benefits team (benefits@switchboard.example)',
  },
];
