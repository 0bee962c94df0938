import type { HandbookEntry } from '@switchboard/agent-kit';

/** Payroll, payslips, pay reviews and bonuses. */
export const payEntries: readonly HandbookEntry[] = [
  {
    id: 'payroll-and-payslips',
    title: 'Payroll, pay dates and payslips',
    keywords: [
      'payroll',
      'payday',
      'pay day',
      'pay date',
      'salary',
      'wages',
      'paycheck',
      'payslip',
      'pay slip',
      'pay stub',
      'paid wrong',
      'underpaid',
      'overpaid',
      'missing pay',
      'bank details',
      'bank account',
      'tax form',
      'w-2',
      'p60',
    ],
    questions: [
      'when do we get paid?',
      'where can I find my payslip?',
      'my salary is wrong this month, what do I do?',
      'how do I change the bank account my salary goes to?',
      'I was underpaid, when will it be fixed?',
      'what happens if payday falls on a weekend?',
      'where do I get my W-2 or P60?',
    ],
    summary:
      'Salaries are paid monthly on the 25th (the working day before when the 25th is a weekend or holiday); payslips are in the HR portal 2 working days before payday, and pay errors are fixed within 5 working days.',
    body: `- **Pay date**: monthly, on the **25th**; when that is a weekend or company holiday, the working day before. Changes (new bank details, unpaid leave, overtime) must reach Payroll by the **10th** to count that month.
- **Payslips**: in the HR portal under *Pay* from **2 working days before payday**; year-end tax forms (W-2, P60 and local equivalents) by the legal deadline each year. Payslips are kept for 7 years.
- **Errors in pay**: tell Payroll with your payslip as soon as you notice. Underpayments of more than **100 USD** (or local equivalent) are paid in an off-cycle run within **5 working days**; smaller ones with the next salary. Overpayments are recovered over as many months as they took to build up, agreed with you.
- **Bank details**: change them in the HR portal before the 10th; Payroll confirms every change by a call-back to your phone number on file. Payroll never asks for bank details by email or chat — report such messages to security@switchboard.example.
- Expense reimbursements are paid by Finance, not on your payslip.`,
    contact: 'Payroll (payroll@switchboard.example)',
  },
  {
    id: 'pay-reviews-and-bonuses',
    title: 'Pay reviews, raises and bonuses',
    keywords: [
      'salary increase',
      'pay rise',
      'raise',
      'kick in',
      'annual increase',
      'raise',
      'pay rise',
      'pay raise',
      'salary increase',
      'pay review',
      'salary review',
      'merit increase',
      'compensation',
      'comp',
      'bonus',
      'annual bonus',
      'spot bonus',
      'market rate',
      'salary band',
      'pay band',
      'cost of living',
    ],
    questions: [
      'when do we get pay raises?',
      'how is my bonus calculated?',
      'when is the bonus paid?',
      'can I ask for a raise outside the review?',
      'what is my bonus target?',
      'do I get a bonus if I am leaving?',
      'how do I know which salary band I am in?',
    ],
    summary:
      'Salaries are reviewed once a year with raises effective 1 April, based on the performance review; the annual bonus (target 10% of base, 15% for managers, 25% for executives) is paid with the March salary.',
    body: `- **Annual pay review**: every salary is reviewed in March after the performance review; raises take effect on **1 April** and reflect your rating, your position in the salary band and market data. Your manager tells you the outcome before the April payroll.
- **Salary bands**: every role has a published band; ask your manager or HR partner for yours. Pay outside the review changes only with a promotion or a change of role.
- **Annual bonus**: target **10%** of base salary for individual contributors, **15%** for managers, **25%** for executives; the actual bonus is 0–150% of target depending on company results and your rating, paid with the **March** salary for the year before, pro rata for joiners.
- **Eligibility**: you must be employed on the payment date and not working your notice after resigning; leavers through redundancy get a pro rata bonus.
- **Spot bonuses**: managers can award up to **500 USD** (or local equivalent) for exceptional work, paid with the next salary.`,
    contact: 'your manager, or your HR partner (people@switchboard.example)',
  },
];
