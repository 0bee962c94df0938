import type { HandbookEntry } from '@switchboard/agent-kit';
import { ApprovalThresholdUsd, MaxExpenseAgeDays } from '../../domain/rules.js';
import { usd } from './money.js';

/** Department budgets, cost centres and the closing calendar. */
export const budgetEntries: readonly HandbookEntry[] = [
  {
    id: 'budgets',
    title: 'Department budgets',
    keywords: [
      'unspent money',
      'carry over budget',
      'roll over to next quarter',
      'use it in q3',
      'budget',
      'budgets',
      'department budget',
      'team budget',
      'budget owner',
      'remaining budget',
      'spent',
      'committed',
      'forecast',
      'reforecast',
      'overspend',
      'over budget',
      'underspend',
      'quarterly budget',
      'budget left',
      'budget remaining',
      'spend so far',
      'annual budget',
      'budget review',
      'budget cut',
      'run out of budget',
      'burn rate',
      'headroom',
      'spending plan',
    ],
    questions: [
      'how much budget does my department have left?',
      'who owns our team budget?',
      'what does committed mean in the budget?',
      'what happens if we go over budget?',
      'does unused budget roll over to next quarter?',
      'when do we update the forecast?',
      'our team has almost run out of funds for this quarter, what happens now?',
      'how much have we spent so far this year in marketing?',
    ],
    summary:
      'Each department (engineering, marketing, finance) has a budget per quarter of the calendar year, owned by its head; remaining = allocated − spent − committed, and the owner reforecasts every quarter.',
    body: `- **Structure**: a budget per department and quarter; the fiscal year is the calendar year. Ask the finance agent for "our budget" to see allocated, spent, committed (approved but unpaid expenses and open purchase orders) and remaining.
- **Owners**: the department head — Bob for engineering, Erin for marketing, Frank for finance. Everyone sees their own department’s budget; managers and Finance see all.
- **Forecast**: owners update the forecast for the rest of the year by the **15th of the last month** of each quarter, with Finance.
- **Unused budget**: may move to a later quarter of the same year with Finance’s agreement; it does not roll over into the next year.
- **Overspend**: when a quarter is fully used, new spending above ${usd(ApprovalThresholdUsd)} needs Finance’s approval as well; any overspend above 5% is explained at the quarterly review and recovered in later quarters.`,
    contact: 'your budget owner, or the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'cost-centres',
    title: 'Cost centres and project codes',
    keywords: [
      'cost centre',
      'cost center',
      'cost code',
      'project code',
      'gl code',
      'charge to',
      'recharge',
      'cross-charge',
      'which department pays',
      'coding',
      'allocation',
      'which budget',
      'billing code',
      'charge code',
      'department code',
      'internal charge',
      'bill another team',
      'wrong cost centre',
      'project number',
      'split cost',
      'client project',
    ],
    questions: [
      'which cost centre do I charge this to?',
      'what is my department’s cost centre?',
      'how do I charge an expense to another team?',
      'do I need a project code for client work?',
      'an expense went to the wrong department, how do I fix it?',
      'my expense was booked to marketing but I am in engineering, how do I move it?',
      'we are sharing the cost of an event with sales, how do we split it?',
      'which code do I use for costs on a client project?',
    ],
    summary:
      'Expenses are charged to your own department’s cost centre automatically (engineering CC-100, marketing CC-200, finance CC-300); to charge another team, add its cost centre with its budget owner’s agreement.',
    body: `- **Cost centres**: **CC-100** engineering, **CC-200** marketing, **CC-300** finance; company-wide costs (offices, the people team, executives) go to **CC-900** general and administrative.
- **Default**: your expenses go to your department’s cost centre; purchase orders and supplier invoices to the ordering department’s.
- **Another team’s cost**: add its cost centre in the description and get its budget owner’s agreement by email first; Finance moves it.
- **Project codes** (PRJ- plus four digits) track client and internal projects across cost centres; ask Finance for one before a project starts.
- **Corrections**: tell the Finance helpdesk with the expense or invoice id; fixes after the month is closed are booked in the current month.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'month-and-year-end-close',
    title: 'Month-end and year-end close deadlines',
    keywords: [
      'audit',
      'external audit',
      'year end',
      'month end',
      'month-end',
      'year-end',
      'close',
      'closing',
      'books close',
      'cut-off',
      'cutoff',
      'accruals',
      'deadline',
      'december expenses',
      'fiscal year',
      'end of month',
      'end of year',
      'last date to submit',
      'closing date',
      'books closed',
      'period close',
      'december',
      'january deadline',
      'auditors',
      'financial year',
    ],
    questions: [
      'what is the month-end deadline for expenses?',
      'when do the books close?',
      'when do I have to submit December expenses?',
      'when does our fiscal year end?',
      'what is an accrual and do I need to report one?',
      'what are the year-end deadlines?',
      'I have a receipt from 30 December, when is the latest I can send it in?',
      'what is the last day to get my March expenses in?',
    ],
    summary:
      'Submit a month’s expenses and approve its invoices by the 3rd working day of the next month; the books close on the 5th working day. At year-end (31 December) the deadline for December expenses is 5 January and the year closes on the 10th working day of January.',
    body: `- **Month-end**: submit and approve expenses and confirm goods received by the **3rd working day** of the next month, so they count in the right month; the books close on the **5th working day**.
- **Accruals**: budget owners report costs received but not yet invoiced (over 5,000 USD) by the **2nd working day**.
- **Year-end**: the fiscal year is the calendar year. Purchase orders for the year by **1 December**; December expenses by **5 January**; the year closes on the **10th working day of January**; the external audit runs in February–March.
- Later items are booked in the current month (the ${MaxExpenseAgeDays}-day submission limit still applies).
- Quarterly budget reviews follow each quarter’s close.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
];
