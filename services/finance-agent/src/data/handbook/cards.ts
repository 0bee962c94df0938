import type { HandbookEntry } from '@switchboard/agent-kit';
import { MaxExpenseAgeDays, MaxExpenseUsd, ReceiptThresholdUsd } from '../../domain/rules.js';
import { usd } from './money.js';

/** Corporate cards and petty cash. */
export const cardEntries: readonly HandbookEntry[] = [
  {
    id: 'corporate-card',
    title: 'Corporate card',
    keywords: [
      'eligible for a card',
      'travel often',
      'apply for a card',
      'corporate card',
      'company card',
      'credit card',
      'amex',
      'visa card',
      'card limit',
      'spending limit',
      'get a card',
      'card statement',
      'reconcile',
      'cash withdrawal',
      'amex card',
      'work card',
      'company visa',
      'card application',
      'monthly limit',
      'raise my limit',
      'limit increase',
      'card bill',
      'pay with company card',
      'expense card',
    ],
    questions: [
      'how do I get a company credit card?',
      'what is the limit on my corporate card?',
      'what can I use the corporate card for?',
      'can I take out cash with the company card?',
      'do I still need to file expenses for card payments?',
      'who pays the corporate card bill?',
      'I travel to clients every month, can I have a work credit card?',
      'I need to book a big conference next month, can my card limit go up?',
    ],
    summary:
      'Managers and employees who travel or buy for the company regularly can get a corporate card (limit 5,000 USD a month, 10,000 for managers) for business expenses within the spending policy; every charge still needs a category and receipt.',
    body: `- **Who**: managers, and employees who travel at least 4 times a year or make regular business purchases; request it through the Finance helpdesk with your manager’s approval. It arrives within **10 business days**.
- **Limits**: **5,000 USD** a month (managers **10,000 USD**); a single charge may be at most ${usd(MaxExpenseUsd)}. Temporary increases for a trip: ask the Finance helpdesk.
- **Use**: business travel, meals, taxis, software and equipment within the spending policy and its category limits. Not allowed: personal purchases, cash withdrawals (except where cards are not accepted, with approval), or paying supplier invoices that should go through Accounts payable.
- **Reconciling**: each charge appears as an expense to complete with category, purpose and receipt (needed above ${usd(ReceiptThresholdUsd)}) within **30 days**, and at the latest within ${MaxExpenseAgeDays} days. The company pays the card bill; you are never billed personally.
- The card is cancelled when you leave or change to a role that does not need it.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'corporate-card-problems',
    title: 'Corporate card: personal purchases by mistake, lost or stolen cards',
    keywords: [
      'personal purchase',
      'wrong card',
      'by mistake',
      'accidentally',
      'repay',
      'pay back',
      'lost card',
      'stolen card',
      'card stolen',
      'fraud',
      'unknown charge',
      'block card',
      'freeze card',
      'replacement card',
      'personal charge',
      'wrong charge',
      'lost my card',
      'card missing',
      'cancel card',
      'suspicious charge',
      'disputed charge',
      'chargeback',
      'card skimmed',
      'paid for groceries',
    ],
    questions: [
      'I used the company card for a personal purchase by mistake, what do I do?',
      'how do I pay back a personal charge on my corporate card?',
      'I lost my corporate card, who do I call?',
      'my company card was stolen abroad, what now?',
      'there is a charge on my card I do not recognise',
      'how long does a replacement card take?',
      'I accidentally paid for my groceries with the work card, how do I fix it?',
      "I can't find my company card anywhere, what should I do?",
    ],
    summary:
      'Mark a mistaken personal charge as personal and repay it by bank transfer within 30 days; for a lost or stolen card, freeze it in the card app or call the issuer’s 24/7 number straight away, then tell Finance within 24 hours.',
    body: `- **Personal purchase by mistake**: mark the charge as *personal* when you complete it, and repay it within **30 days** by bank transfer to the company account (details from the Finance helpdesk) or, if you agree in writing, by deduction from your next reimbursement. Repeated personal use means the card is withdrawn.
- **Lost or stolen**: freeze the card in the card app or call the issuer’s 24/7 line on the back of the card (+1 800 555 0142) **immediately**, then tell the Finance helpdesk within **24 hours**.
- **Unknown charges**: dispute them with the issuer within **60 days** of the statement and mark them as disputed; you are not liable for fraudulent charges reported promptly.
- **Replacement**: a new card arrives in **5–7 business days**; urgent replacements abroad within 2 days. Meanwhile, pay yourself and file the expenses for reimbursement.`,
    contact: 'the Finance helpdesk (finance@switchboard.example); card issuer line +1 800 555 0142 (24/7)',
  },
  {
    id: 'petty-cash',
    title: 'Petty cash',
    keywords: [
      'bit of cash',
      'urgent office supplies',
      'cash for supplies',
      'petty cash',
      'cash',
      'cash box',
      'small purchases',
      'office manager',
      'float',
      'cash voucher',
      'cash receipt',
      'urgent purchase',
      'coins',
      'small change',
      'cash float',
      'stamps',
      'postage',
      'cash from the office',
      'cash tin',
      'office supplies',
      'quick cash',
      'reimburse in cash',
      'delivery tip',
    ],
    questions: [
      'who holds the petty cash?',
      'how much can I take from petty cash?',
      'how do I claim from petty cash?',
      'do I need a receipt for petty cash?',
      'can I use petty cash for a team lunch?',
      'is there petty cash for remote employees?',
      'I bought stamps and printer paper for the office, can I get the cash back today?',
      'I need 40 dollars for a courier right now, who can give it to me?',
    ],
    summary:
      'Each office manager (New York, London, Berlin) holds a petty cash float of 500 USD equivalent for small urgent purchases of up to 100 USD; every claim needs a signed voucher and a receipt.',
    body: `- **Who holds it**: the office manager in each office (New York, London, Berlin), with a float of **500 USD** equivalent in local currency. Remote employees file an expense instead.
- **Limit**: up to **100 USD** equivalent per claim, for small, urgent office purchases (supplies, postage, a delivery tip). Not for meals with colleagues, gifts, salaries, contractors or anything recurring.
- **How to claim**: ask the office manager before buying where you can; afterwards, hand in the receipt and sign a petty cash voucher with the date, amount and purpose, and get the cash back.
- **Receipts**: required for **every** petty cash payment, whatever the amount (the ${usd(ReceiptThresholdUsd)} rule for expenses does not apply here).
- The office manager reconciles the box with Finance by the **3rd working day** of each month.`,
    contact: 'your office manager, or the Finance helpdesk (finance@switchboard.example)',
  },
];
