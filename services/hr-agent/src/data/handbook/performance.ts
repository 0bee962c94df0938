import type { HandbookEntry } from '@switchboard/agent-kit';

/** Probation, performance reviews and promotions. */
export const performanceEntries: readonly HandbookEntry[] = [
  {
    id: 'probation',
    title: 'Probation period',
    keywords: [
      'trial period',
      'new joiner',
      'months until',
      'passing probation',
      'probation',
      'probationary period',
      'trial period',
      'new starter',
      'new hire',
      'first six months',
      'pass probation',
      'probation review',
      'extend probation',
      'fail probation',
    ],
    questions: [
      'how long is probation?',
      'when is my probation review?',
      'what happens if I do not pass probation?',
      'can my probation be extended?',
      'what is the notice period during probation?',
      'can I take vacation during probation?',
    ],
    summary:
      'Probation lasts 6 months, with check-ins at 6 weeks and 3 months and a final review in month 5; notice during probation is 1 week either way.',
    body: `- **Length**: **6 months** for every new employee (3 months for interns and fixed-term contracts under a year).
- **Reviews**: check-ins with your manager at **6 weeks** and **3 months**, and a final review in **month 5**; your manager confirms the outcome in writing before the 6 months end.
- **Extension**: once, by up to **3 months**, with clear goals agreed in writing.
- **Notice**: **1 week** either way during probation.
- Benefits, vacation and parental leave apply from day one; vacation accrues and can be taken during probation. The employee referral bonus is paid once the new hire passes probation.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
  {
    id: 'performance-reviews',
    title: 'Performance reviews',
    keywords: [
      'performance review',
      'performance',
      'review',
      'appraisal',
      'annual review',
      'self review',
      'self-review',
      'self assessment',
      'rating',
      'ratings',
      'feedback',
      'peer feedback',
      '360',
      'check-in',
      'mid-year',
      'calibration',
      'pip',
      'improvement plan',
    ],
    questions: [
      'when is the performance review cycle?',
      'how do ratings work?',
      'do I have to write a self-review?',
      'who gives feedback on me?',
      'I disagree with my rating, what can I do?',
      'what is a performance improvement plan?',
      'is there a mid-year review?',
    ],
    summary:
      'Reviews run once a year in January–February (self-review, 3–5 peers, manager review, rating on a 5-point scale), with a lighter mid-year check-in in July; ratings feed the April pay review and bonus.',
    body: `- **Cycle**: the annual review covers the calendar year and runs **January–February**: self-review due by **15 January**, peer feedback by **31 January**, manager reviews and calibration in February, conversations by **28 February**. A mid-year check-in (no rating) happens in **July**.
- **Self-review**: a short written reflection on goals, impact and growth; it is required and your manager reads it before writing theirs.
- **Feedback**: you and your manager choose **3–5 peers**; feedback goes to your manager, who shares a summary with you without names.
- **Ratings**: 1 *Below expectations*, 2 *Partly meets*, 3 *Meets*, 4 *Exceeds*, 5 *Outstanding*; calibrated across the department. They set the April raise and the bonus. Joiners after 1 October are not rated that year.
- **Disagreeing**: ask your manager for a second conversation within 10 working days, then your HR partner. Low ratings lead to a 60-day performance improvement plan with weekly check-ins.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
  {
    id: 'promotions',
    title: 'Promotions',
    keywords: [
      'promo round',
      'promo',
      'next level',
      'promotion cycle',
      'promotion',
      'promoted',
      'get promoted',
      'next level',
      'level up',
      'career ladder',
      'career path',
      'career progression',
      'senior',
      'title change',
      'nomination',
      'promo',
    ],
    questions: [
      'how do promotions work here?',
      'when are promotions decided?',
      'how do I get promoted to senior?',
      'how much of a raise comes with a promotion?',
      'can I nominate myself for promotion?',
      'how long do I have to be in my level before a promotion?',
    ],
    summary:
      'Promotions are decided twice a year, effective 1 April and 1 October, on your manager’s nomination and a calibration committee’s review against the career ladder; they usually come with an 8–12% raise.',
    body: `- **Timing**: two rounds a year — nominations due **15 February** (effective **1 April**) and **15 August** (effective **1 October**).
- **Process**: your manager nominates you with a written case against the career ladder for the next level and evidence from the last 6–12 months; a department calibration committee (directors plus your HR partner) decides.
- **Eligibility**: usually **12 months** at your current level and a rating of at least *Meets*; employees on probation or a performance plan are not eligible.
- **Pay**: a promotion moves you into the next salary band, usually with an **8–12%** raise, and your bonus target changes with your level.
- You can ask your manager for a promotion conversation at any time; if you are not nominated, they explain what is missing in writing.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
];
