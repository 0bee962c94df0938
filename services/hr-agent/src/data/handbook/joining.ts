import type { HandbookEntry } from '@switchboard/agent-kit';

/** Hiring, referrals, internal moves, onboarding and the employee record. */
export const joiningEntries: readonly HandbookEntry[] = [
  {
    id: 'employee-referrals',
    title: 'Hiring and employee referrals',
    keywords: [
      'friend is looking for work',
      'what do i get if she is hired',
      'recommend a friend',
      'refer someone',
      'referral',
      'refer',
      'refer a friend',
      'referral bonus',
      'recommend someone',
      'hiring',
      'recruiting',
      'recruitment',
      'open roles',
      'job openings',
      'vacancies',
      'interview',
      'interviewer',
      'candidate',
    ],
    questions: [
      'how do I refer a friend for a job?',
      'how much is the referral bonus?',
      'when is the referral bonus paid?',
      'where can I see the open roles?',
      'can I refer someone for my own team?',
      'how do I become an interviewer?',
    ],
    summary:
      'Refer candidates through the careers portal; if they are hired and pass their 6-month probation you get a referral bonus of 2,000 USD (3,000 USD for engineering roles), paid with the next salary.',
    body: `- **How to refer**: use *Refer a friend* on the careers portal (careers.switchboard.example) with the candidate's CV and a line on why; a referral counts when it arrives before the candidate applies or is contacted by a recruiter.
- **Bonus**: **2,000 USD** (or local equivalent) per hire, **3,000 USD** for engineering roles, paid with the next salary after the new hire **passes probation** (6 months); you must still be employed then.
- **Not eligible**: hiring managers for their own team, recruiters and HR, and referrals of former employees who left less than 12 months ago.
- **Hiring process**: every role has a hiring manager, a recruiter and a structured interview plan; interviewers complete interview training first (2 hours, book it in the learning portal).
- Open roles are on the careers portal; internal candidates see them 5 working days before they are advertised externally.`,
    contact: 'Talent Acquisition (talent@switchboard.example)',
  },
  {
    id: 'internal-job-moves',
    title: 'Internal job moves and transfers',
    keywords: [
      'apply for an opening',
      'another team',
      'internal role',
      'transfer teams',
      'internal move',
      'internal transfer',
      'transfer',
      'internal job',
      'change team',
      'switch teams',
      'move departments',
      'internal application',
      'apply internally',
      'new role',
      'secondment',
    ],
    questions: [
      'can I apply for a job in another team?',
      'do I have to tell my manager before applying internally?',
      'how long do I need to be in my role before moving?',
      'how quickly can I move once I get the internal job?',
      'can I try another team for a few months?',
      'does my salary change if I move team?',
    ],
    summary:
      'You can apply for any open role after 12 months in your current one (6 with your manager’s agreement); tell your manager when you are invited to interview, and the move normally happens within 6 weeks of the offer.',
    body: `- **Eligibility**: **12 months** in your current role (6 with your manager's agreement) and not on a performance improvement plan.
- **Applying**: apply on the careers portal; internal roles are visible 5 working days before external advertising. Tell your manager once you are invited to interview — they cannot block the application.
- **Moving**: the new and current managers agree a handover; the move happens within **6 weeks** of the offer unless both agree otherwise.
- **Pay and terms**: set for the new role's band; your service date, vacation balance and benefits carry over. A move to another country follows the relocation policy.
- **Secondments**: 3–6 months in another team with a guaranteed return, agreed by both managers and your HR partner.`,
    contact:
      'your HR partner (people@switchboard.example), or Talent Acquisition (talent@switchboard.example)',
  },
  {
    id: 'onboarding',
    title: 'Onboarding and your first days',
    keywords: [
      'onboarding',
      'first day',
      'first week',
      'new starter',
      'new joiner',
      'start date',
      'paperwork',
      'contract',
      'right to work',
      'work permit',
      'visa',
      'i-9',
      'passport',
      'laptop',
      'equipment',
      'buddy',
      'induction',
    ],
    questions: [
      'what happens on my first day?',
      'what documents do I need to bring on day one?',
      'when will I get my laptop?',
      'what paperwork do I need to complete before I start?',
      'who is my onboarding buddy?',
      'what do I need for the right to work check?',
      'what time do I start on my first day?',
    ],
    summary:
      'Complete your paperwork (contract, tax forms, bank details, right-to-work documents) in the HR portal before day one; your laptop arrives the week before, and your first day starts at 9:30 with IT setup, your manager and your onboarding buddy.',
    body: `- **Before day one**: sign your contract and complete tax forms, bank details and emergency contact in the HR portal at least **5 working days** before your start date, so you are paid in your first month.
- **Right to work**: show original documents (passport, or national ID plus work or residence permit where needed) before or on your first day; in the US the I-9 must be completed within **3 business days** of starting. You cannot start work without a completed check.
- **Equipment**: your laptop and accessories arrive the week before (remote staff) or are on your desk (office staff); IT sends login details to your personal email the day before.
- **First day**: starts at **9:30** local time with IT setup and a welcome session, then lunch with your team and a 1:1 with your manager.
- **Support**: an onboarding buddy from another team for your first **3 months**, a 30/60/90-day plan from your manager, and company induction sessions in your first 2 weeks.`,
    contact: 'your HR partner (people@switchboard.example); equipment: IT (it@switchboard.example)',
  },
  {
    id: 'employee-records',
    title: 'Your employee record and employment letters',
    keywords: [
      'proof that i work here',
      'letting agency',
      'employment verification',
      'reference letter for landlord',
      'personal details',
      'employee record',
      'change address',
      'new address',
      'moved house',
      'name change',
      'changed my name',
      'emergency contact',
      'next of kin',
      'phone number',
      'employment verification',
      'proof of employment',
      'employment letter',
      'salary letter',
      'mortgage',
      'visa letter',
      'personnel file',
    ],
    questions: [
      'how do I update my address?',
      'I got married, how do I change my name?',
      'how do I change my emergency contact?',
      'can I get a letter confirming my employment for a mortgage?',
      'how do I get proof of my salary for a rental application?',
      'can I see my personnel file?',
      'who is my HR partner?',
    ],
    summary:
      'Update your address, phone and emergency contacts yourself in the HR portal; name changes need a supporting document, and employment verification letters are issued within 3 working days.',
    body: `- **Self-service**: update your home address, phone number, emergency contacts and bank details in the HR portal under *My profile*; an address change in another country or state can change your tax, so tell Payroll before the 10th.
- **Name change**: upload the marriage certificate, deed poll or court order; HR updates payroll, email and badge within **5 working days**.
- **Employment verification letters** (for a mortgage, rental, visa or bank): request them in the HR portal; they confirm your title, start date and, if you ask, your salary, and are issued within **3 working days**. Lenders calling directly are sent to verify@switchboard.example.
- **Your file**: you may ask to see the data HR holds about you; it is provided within one month.
- Your HR partner is listed in the directory: Hana Kim for engineering and executive staff, Ivy Nguyen for marketing and finance.`,
    contact: 'your HR partner (people@switchboard.example)',
  },
];
