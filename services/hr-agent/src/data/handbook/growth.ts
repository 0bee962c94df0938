import type { HandbookEntry } from '@switchboard/agent-kit';

/** Learning and training, and relocation. */
export const growthEntries: readonly HandbookEntry[] = [
  {
    id: 'learning-and-training',
    title: 'Learning, training and study leave',
    keywords: [
      'training',
      'learning',
      'learning budget',
      'training budget',
      'course',
      'courses',
      'certification',
      'conference',
      'books',
      'study leave',
      'exam',
      'degree',
      'mba',
      'tuition',
      'upskill',
      'udemy',
      'coursera',
      'workshop',
      'online course',
      'qualification',
      'professional development',
      'cpd',
      'night classes',
      'language lessons',
      'bootcamp',
    ],
    questions: [
      'how much is my learning budget?',
      'can the company pay for a certification?',
      'do I get time off to study for an exam?',
      'will the company sponsor my degree?',
      'do I have to pay back training costs if I leave?',
      'how do I get a course approved?',
      'I found a Python bootcamp for 1,500 dollars, will the company cover it?',
      'can I get paid days off to revise for my accounting exams?',
    ],
    summary:
      'Everyone has a learning budget of 2,000 USD a year for courses, certifications, books and conferences, agreed with your manager before booking, and up to 5 days of paid study leave a year.',
    body: `- **Budget**: **2,000 USD** per calendar year (or local equivalent), pro rata for joiners; unused budget does not carry over. Agree the course with your manager before booking, then book it yourself and claim it as a *training* expense, or ask Finance for a purchase order.
- **Study leave**: up to **5 paid days a year** for exams and courses that are part of an agreed plan, plus the exam days themselves.
- **Longer programmes** (degrees, MBAs, courses over 2,000 USD): sponsorship is agreed case by case with your director and HR partner.
- **Pay-back**: for courses over **1,000 USD**, you repay **100%** if you leave within 12 months of finishing and **50%** within 24 months (not when the company ends your employment).
- Mandatory training (code of conduct, security, interviewing) is separate and does not use your budget.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
  {
    id: 'relocation',
    title: 'Relocation',
    keywords: [
      'relocation',
      'relocate',
      'relocating',
      'moving',
      'move country',
      'move to another office',
      'transfer abroad',
      'moving costs',
      'relocation package',
      'visa sponsorship',
      'temporary housing',
      'international move',
      'move to london',
      'move to berlin',
      'move to new york',
      'moving abroad',
      'removal costs',
      'movers',
      'shipping my stuff',
      'house hunting',
      'visa for my family',
      'emigrate',
    ],
    questions: [
      'does the company pay for relocation?',
      'can I move to the London or Berlin office?',
      'what is included in the relocation package?',
      'will the company sponsor my visa?',
      'do I have to pay back relocation costs if I leave?',
      'can I relocate to another country and keep my job?',
      'my partner got a job in Berlin, can I transfer there and keep my job?',
      'who pays for the movers and flights if I move to New York for the company?',
    ],
    summary:
      'Moves between offices (New York, London, Berlin) that the company asks for or approves come with a relocation package of up to 10,000 USD plus visa costs and 30 days of temporary housing; it is repayable if you leave within 12 months.',
    body: `- **Approval**: relocation needs your manager's, your director's and your HR partner's approval at least **3 months** ahead; the company must be able to employ you in the new country. Working abroad for a few weeks falls under the remote work policy (4 weeks a year).
- **Package**: moving costs up to **10,000 USD** (or local equivalent), one house-hunting trip, **30 days** of temporary housing and all visa and immigration costs for you and your family.
- **Terms**: your contract, pay and benefits move to the new country's terms and salary bands; vacation follows the local entitlement from the move date.
- **Pay-back**: **100%** if you resign within 12 months of the move, **50%** within 24 months.
- Moves you ask for yourself may be approved without a package.`,
    contact:
      'your HR partner (people@switchboard.example), or Global Mobility (mobility@switchboard.example)',
  },
];
