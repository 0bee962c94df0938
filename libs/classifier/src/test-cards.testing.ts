// Small cards shared by the classifier's tests, written for them: the tests check mechanisms, not
// the real cards' tuning (eval.test.ts measures those on the data set).
import type { RouteCandidate } from './embedded.js';

export const hr: RouteCandidate = {
  name: 'hr',
  description:
    'Human resources: leave and vacation, pay and payslips, benefits, resigning and notice periods.',
  intents: ['leave', 'payroll', 'benefits', 'leaving'],
  examples: [
    'how many vacation days do I have left?',
    'book time off next week',
    'when is payday?',
    'my payslip is wrong',
    'what does the health insurance cover?',
    'how much notice do I have to give if I resign?',
  ],
};
export const finance: RouteCandidate = {
  name: 'finance',
  description: 'Finance: department budgets, expenses and reimbursement, invoices, the corporate card.',
  intents: ['budget', 'expenses', 'invoices', 'corporate_card'],
  examples: [
    'how much budget is left for engineering?',
    'submit a taxi expense',
    'when will my expense be reimbursed?',
    'has the invoice from Acme been paid?',
    'I paid for lunch with the company card by mistake',
    'what is the travel budget?',
  ],
};
export const itDesk: RouteCandidate = {
  name: 'it',
  description: 'IT helpdesk: laptops, monitors, passwords, VPN, printers and software access.',
  intents: ['hardware', 'password_reset'],
  examples: [
    'my laptop is broken',
    'my monitor is flickering',
    'I forgot my password',
    'the VPN does not connect',
    'the printer is jammed',
  ],
};
export const reject = [
  'my laptop will not start',
  'reset my password',
  'what is the capital of France?',
  'tell me a joke',
];
