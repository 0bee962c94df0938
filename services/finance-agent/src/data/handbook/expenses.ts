import type { HandbookEntry } from '@switchboard/agent-kit';
import { ApprovalThresholdUsd, MaxExpenseAgeDays, ReceiptThresholdUsd } from '../../domain/rules.js';
import { usd } from './money.js';

/** Receipts, tax on expenses, and when expenses are paid. */
export const expenseEntries: readonly HandbookEntry[] = [
  {
    id: 'receipts-and-lost-receipts',
    title: 'Receipts and lost receipts',
    keywords: [
      'no receipt',
      'didnt give me a receipt',
      'lost the receipt',
      'driver receipt',
      'receipt',
      'receipts',
      'lost receipt',
      'missing receipt',
      'forgot receipt',
      'itemised',
      'itemized',
      'photo of receipt',
      'card slip',
      'missing-receipt declaration',
      'proof of payment',
      'invoice copy',
      'threw away',
      'faded receipt',
      'crumpled',
      'receipt photo',
      'scan',
      'proof of purchase',
      'till receipt',
      'taxi receipt',
      'paper receipt',
    ],
    questions: [
      'do I need a receipt for a small expense?',
      'I lost my receipt, can I still get reimbursed?',
      'is a photo of the receipt enough?',
      'is a card payment slip good enough as a receipt?',
      'what does a receipt need to show?',
      'do I have to keep the paper receipt?',
      "the taxi driver didn't give me anything to show I paid, what now?",
      'I threw away the till slip from lunch with a client, can I still claim it?',
    ],
    summary: `A receipt is required for every expense above ${usd(ReceiptThresholdUsd)}; it must be itemised, and a photo or PDF is fine. If you lose one, file a missing-receipt declaration signed by your manager (at most twice a year).`,
    body: `- **When**: for every expense above ${usd(ReceiptThresholdUsd)} or its equivalent in another currency; below that a description is enough.
- **What it must show**: the vendor, date, amount and what was bought (itemised — a card slip alone is not enough); hotel bills itemised per night.
- **Format**: a clear photo or PDF attached to the expense; keep the paper original until the expense is paid (for foreign VAT, Finance may ask for it).
- **Lost receipt**: ask the vendor for a copy first; otherwise file a **missing-receipt declaration** signed by your manager with the date, amount and purpose — at most **twice a year**.
- Expenses without a receipt or declaration are returned to you.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'vat-and-sales-tax',
    title: 'VAT and sales tax on expenses',
    keywords: [
      'vat',
      'sales tax',
      'tax',
      'gst',
      'hst',
      'consumption tax',
      'vat reclaim',
      'foreign vat',
      'tax invoice',
      'vat invoice',
      'vat number',
      'net amount',
      'gross amount',
      'value added tax',
      'tax included',
      'including tax',
      'excluding tax',
      'tax back',
      'reclaim tax',
      'mwst',
      'iva',
      'tax amount',
      'company name on invoice',
    ],
    questions: [
      'do I claim the amount with or without VAT?',
      'can we get the VAT back on my hotel in Germany?',
      'what does a receipt need for a VAT reclaim?',
      'should the hotel invoice be in the company name?',
      'is US sales tax reimbursed?',
      'what is the company VAT number?',
      'the hotel in Paris added tax to my bill, do I claim the total?',
      'do I need the company name on the bill from my Berlin hotel?',
    ],
    summary:
      'Always claim the full amount you paid, tax included; Finance reclaims UK and EU VAT itself, so for those countries keep a proper VAT invoice showing the supplier’s VAT number and the VAT amount, in the company name above 250 EUR/GBP.',
    body: `- **What to claim**: the **gross** amount you paid, VAT or sales tax included; never deduct the tax yourself.
- **Foreign VAT**: Finance reclaims VAT paid in the UK and the EU (hotels, conferences, train tickets). The receipt must show the supplier’s name, address and VAT number, the date, the net amount, the VAT rate and the VAT amount.
- **Company name**: above **250 EUR/GBP**, ask for a full VAT invoice made out to the company (legal name, address and VAT number from the Finance helpdesk); hotels and conference organisers do this at checkout or on request.
- **US sales tax, Canadian GST/HST, Japanese consumption tax**: part of the cost, not reclaimed; reimbursed as paid.
- The receipt rule (required above ${usd(ReceiptThresholdUsd)}) still applies to the gross amount.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'reimbursement-timing',
    title: 'When expenses are paid',
    keywords: [
      'reimbursement',
      'reimbursed',
      'paid back',
      'when will i be paid',
      'payment run',
      'expense status',
      'pending approval',
      'approved',
      'rejected',
      'paid out',
      'how long',
      'deadline',
      'late expense',
      'when do i get my money back',
      'still not paid',
      'waiting for reimbursement',
      'pay me back',
      'claim status',
      'refund my expenses',
      'submission deadline',
      'old expense',
      'paid back late',
      'reimburse me',
    ],
    questions: [
      'when will I get my expenses paid?',
      'how do I check the status of my expense claim?',
      'how long does reimbursement take?',
      'why is my expense still pending approval?',
      'is there a deadline to submit expenses?',
      'my expense was rejected, what now?',
      'I submitted my taxi claim two weeks ago and still have not seen the money, why?',
      'I found a receipt from four months ago, is it too late to claim?',
    ],
    summary: `Approved expenses are paid in the next expense payment run, usually within 5 business days of approval; submit them within ${MaxExpenseAgeDays} days of paying, and ask the finance agent for the status of an expense (e.g. EXP-1003).`,
    body: `- **Deadline**: submit within **${MaxExpenseAgeDays} days** of the date you paid (we recommend 30); older expenses are not accepted.
- **Approval**: expenses up to ${usd(ApprovalThresholdUsd)} go straight to Finance (*submitted*); above that they are *pending approval* until your manager approves.
- **Payment**: approved expenses are paid by bank transfer to the account on file with Payroll in the next expense payment run (every **Tuesday and Thursday**), usually within **5 business days** of approval; the status then changes to *paid*.
- **Checking**: ask the finance agent "what is the status of EXP-1003?" or "list my expenses".
- **Rejected**: the note says why (e.g. allowance used up, missing receipt); fix it and submit a new expense, or ask your manager.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
];
