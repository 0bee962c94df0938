import { describe, expect, it } from 'vitest';
import { extract } from './extract.js';
import { detectIntent, type Intent } from './intents.js';

const now = new Date('2026-11-15T10:00:00Z');
const people = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];

/** The capability card's examples, and a few more, with the intent each must get. */
const cases: [string, Intent | undefined][] = [
  ['what is the remaining budget of engineering?', 'budget_status'],
  ['how much has marketing spent this quarter?', 'budget_status'],
  ['how much budget is left for my department?', 'budget_status'],
  ['is the finance department over budget?', 'budget_status'],
  ['show the budget status for engineering', 'budget_status'],
  ['how much of our budget is already committed?', 'budget_status'],
  ['what did engineering spend last quarter?', 'budget_status'],
  ['how much money is left in the marketing budget?', 'budget_status'],
  ['how do I get reimbursed for a taxi?', 'spending_policy'],
  ['I want to submit an expense', 'submit_expense'],
  ['submit a 30 dollar lunch receipt', 'submit_expense'],
  ['I need to expense my flight to the customer site', 'submit_expense'],
  ['file an expense report for my hotel', 'submit_expense'],
  ['claim back the cost of a train ticket', 'submit_expense'],
  ['add a receipt for a client dinner', 'submit_expense'],
  ['reimburse my conference registration fee', 'submit_expense'],
  ['uber 23 dollars yesterday', 'submit_expense'],
  ['what is the status of my expense report?', 'expense_status'],
  ['has my reimbursement been paid?', 'expense_status'],
  ['was my expense claim approved or rejected?', 'expense_status'],
  ['when will my expenses be paid out?', 'expense_status'],
  ['status of EXP-1002', 'expense_status'],
  ['list my expenses', 'list_expenses'],
  ['show my pending expense claims', 'list_expenses'],
  ['what expenses did I submit this month?', 'list_expenses'],
  ["show alice's expenses", 'list_expenses'],
  ['what is the hotel limit per night?', 'spending_policy'],
  ['what is the per diem for travel?', 'spending_policy'],
  ['how much is the daily meal allowance on a business trip?', 'spending_policy'],
  ['can I fly business class?', 'spending_policy'],
  ['what is the spending policy for client entertainment?', 'spending_policy'],
  ['who needs to approve a 5000 dollar purchase?', 'spending_policy'],
  ['what is the approval threshold for purchases?', 'spending_policy'],
  ['do I need a receipt for every expense?', 'spending_policy'],
  ['what is the expense submission deadline?', 'spending_policy'],
  ['can I expense a home office chair?', 'spending_policy'],
  ['what can I claim on expenses?', 'spending_policy'],
  ['has invoice INV-1001 been paid?', 'invoice_status'],
  ['what is the status of the invoice from our vendor?', 'invoice_status'],
  ['is the supplier invoice overdue?', 'invoice_status'],
  ['when is invoice INV-2040 due for payment?', 'invoice_status'],
  ['did we pay the Acme invoice?', 'invoice_status'],
  ['which invoices are still unpaid?', 'invoice_status'],
  ['did we pay Brightline?', 'invoice_status'],
  ['hello', 'greeting'],
  ['thanks!', 'thanks'],
  ['what can you do?', 'help'],
  ['the weather is nice', undefined],
];

describe('detectIntent', () => {
  it.each(cases)('%s → %s', (text, expected) => {
    const x = extract(text, now, { knownPeople: people });
    expect(detectIntent(text, x).intent).toBe(expected);
  });
});
