import type { HandbookEntry } from '@switchboard/agent-kit';

/** Working time, conduct, and raising concerns. */
export const conductEntries: readonly HandbookEntry[] = [
  {
    id: 'working-hours-and-overtime',
    title: 'Working hours and overtime',
    keywords: [
      'working hours',
      'hours',
      'core hours',
      'flexible hours',
      'flexitime',
      'start time',
      'overtime',
      'extra hours',
      'weekend work',
      'time off in lieu',
      'toil',
      'on-call',
      'on call',
      'part-time',
      'lunch break',
    ],
    questions: [
      'what are our working hours?',
      'do I get paid overtime?',
      'can I start early and leave early?',
      'I worked the weekend, do I get time back?',
      'is there an on-call allowance?',
      'how long is the lunch break?',
      'can I go part-time?',
    ],
    summary:
      'Full time is 40 hours a week with core hours 10:00–16:00 local time; overtime must be approved in advance and is paid at 1.5x for hourly (non-exempt) staff or taken as time off in lieu by salaried staff.',
    body: `- **Hours**: full time is **40 hours a week**, Monday to Friday, with core hours **10:00–16:00** local time; start and finish around them as agreed with your team. Breaks: at least 30 minutes after 6 hours.
- **Overtime**: agree it with your manager **in advance**. Hourly (non-exempt) staff are paid **1.5x** for hours over 40 a week (2x on company holidays); salaried staff get **time off in lieu**, hour for hour, to be used within 3 months.
- **Limits**: no more than **48 hours a week** on average over 17 weeks, and 11 hours of rest between working days.
- **On-call**: **250 USD** (or local equivalent) per on-call week, plus time off in lieu for incidents worked outside hours.
- **Part-time and compressed hours**: ask your manager; requests are answered within 4 weeks, and benefits and vacation are pro rata.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
  {
    id: 'code-of-conduct',
    title: 'Code of conduct and dress code',
    keywords: [
      'side job',
      'freelance',
      'second job',
      'outside work',
      'moonlighting',
      'code of conduct',
      'conduct',
      'behaviour',
      'behavior',
      'ethics',
      'conflict of interest',
      'side job',
      'side hustle',
      'outside work',
      'gifts',
      'dress code',
      'what to wear',
      'jeans',
      'social media',
      'alcohol',
      'confidential information',
    ],
    questions: [
      'is there a dress code?',
      'can I wear jeans and trainers to the office?',
      'can I have a side job?',
      'can I accept a gift from a supplier?',
      'what counts as a conflict of interest?',
      'can I post about work on social media?',
      'do I have to do the code of conduct training?',
    ],
    summary:
      'Everyone follows the code of conduct (annual training by 31 January, declare conflicts of interest and gifts over 50 USD); there is no formal dress code beyond dressing appropriately for the day, e.g. for client meetings.',
    body: `- **Respect**: treat everyone with respect; discrimination, harassment and bullying are never acceptable, inside or outside the office, including online and at company events.
- **Training**: complete the code of conduct training when you join and every year by **31 January**.
- **Conflicts of interest**: declare to your manager and HR partner any side job, investment or relationship that could affect your work; side jobs are fine when they do not compete with the company or take company time.
- **Gifts**: gifts and hospitality from suppliers or clients up to **50 USD** are fine; anything more must be declared and usually refused (see the finance handbook on gifts and hospitality).
- **Dress code**: none in the office — dress for your day; for client meetings and events, match the client's or event's norms. Company information stays confidential, including on social media.`,
    contact:
      'your HR partner (people@switchboard.example), or the Ethics line (ethics@switchboard.example, anonymous)',
  },
  {
    id: 'grievances-and-harassment',
    title: 'Complaints, grievances and harassment',
    keywords: [
      'shouting',
      'bullying',
      'raise formally',
      'formal complaint',
      'manager treats me badly',
      'complaint',
      'complain',
      'grievance',
      'harassment',
      'harassed',
      'sexual harassment',
      'bullying',
      'bullied',
      'discrimination',
      'unfair treatment',
      'problem with my manager',
      'report someone',
      'hostile',
      'investigation',
      'appeal',
    ],
    questions: [
      'how do I make a complaint about my manager?',
      'I am being harassed by a colleague, what should I do?',
      'will my complaint stay confidential?',
      'how long does a grievance investigation take?',
      'can I appeal the outcome of a grievance?',
      'can I report bullying I saw happen to someone else?',
    ],
    summary:
      'Raise a complaint with your manager, any HR partner or the anonymous Ethics line; formal grievances are acknowledged within 2 working days and investigated confidentially, usually within 20 working days, with no retaliation.',
    body: `- **Informally**: talk to your manager or HR partner first if you feel able to; many issues are settled this way.
- **Formally**: email your HR partner (or any HR partner, if yours is involved) what happened, when and who was involved. You get an acknowledgement within **2 working days**; a trained investigator who is not in your reporting line looks into it, usually within **20 working days**, and you may bring a colleague to meetings.
- **Harassment and discrimination**: report it to any manager, HR, or the Ethics line — also as a witness. Interim steps (e.g. separate teams or managers) can be taken straight away.
- **Confidentiality**: information is shared only with the people who need it to investigate. **Retaliation** against anyone who raises a concern in good faith is a disciplinary offence.
- **Appeal**: within **10 working days** of the outcome, to a senior manager not involved before.`,
    contact:
      'your HR partner (people@switchboard.example), or the Ethics line (ethics@switchboard.example, anonymous)',
  },
  {
    id: 'whistleblowing',
    title: 'Whistleblowing',
    keywords: [
      'kickbacks',
      'bribery',
      'fraud',
      'report wrongdoing',
      'anonymously report',
      'whistleblowing',
      'whistleblower',
      'whistle blow',
      'speak up',
      'ethics line',
      'hotline',
      'anonymous',
      'report anonymously',
      'fraud',
      'bribery',
      'corruption',
      'wrongdoing',
      'illegal',
      'retaliation',
    ],
    questions: [
      'how do I report fraud anonymously?',
      'what is the whistleblowing process?',
      'will I get in trouble for reporting something?',
      'who sees reports to the ethics line?',
      'can I report a safety or legal issue outside my team?',
      'what happens after I report wrongdoing?',
    ],
    summary:
      'Report suspected fraud, bribery, safety risks or other wrongdoing to the Ethics line, anonymously if you wish; reports go to the Audit Committee chair and the General Counsel, and whistleblowers are protected from retaliation.',
    body: `- **What to report**: fraud, bribery, accounting irregularities, safety risks, data breaches, breaches of law or of the code of conduct.
- **How**: the Ethics line (ethics@switchboard.example, or the web form and phone line run by an independent provider, 24/7, in every local language), your manager, or the General Counsel. You may stay anonymous; the provider lets you follow up without revealing your name.
- **What happens**: the report is acknowledged within **7 days**, reviewed by the General Counsel and the Audit Committee chair, investigated independently, and you get feedback within **3 months**.
- **Protection**: no retaliation — no dismissal, demotion or worse treatment for a good-faith report, even if it turns out unfounded. Report any retaliation to the Ethics line.
- Legal protections (e.g. the EU Whistleblowing Directive, UK PIDA, US SOX) apply in addition.`,
    contact: 'the Ethics line (ethics@switchboard.example, anonymous)',
  },
];
