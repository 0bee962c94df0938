import type { HandbookEntry } from '@switchboard/agent-kit';
import {
  ApprovalThresholdUsd,
  CategoryLimitsUsd,
  DirectorApprovalUsd,
  MaxExpenseUsd,
} from '../../domain/rules.js';
import { usd } from './money.js';

/** Purchase-order thresholds, as the spending policy states them (`../policies.ts`, approvals). */
const managerPoUsd = 5000;
const cfoPoUsd = 25_000;

/** Purchasing, software and equipment, subscriptions, gifts and hospitality. */
export const purchasingEntries: readonly HandbookEntry[] = [
  {
    id: 'purchase-approvals',
    title: 'Purchase approvals and purchase orders',
    keywords: [
      'hire an agency',
      'big project',
      'who has to approve',
      '30k',
      'purchase order',
      'po',
      'raise a po',
      'procurement',
      'purchasing',
      'buy something',
      'approval',
      'who approves',
      'sign off',
      'threshold',
      'quotes',
      'three quotes',
      'contract',
      'no po no pay',
    ],
    questions: [
      'do I need a purchase order?',
      'who approves a purchase over 5,000 dollars?',
      'how do I raise a PO?',
      'how many quotes do I need?',
      'when does an expense need my manager’s approval?',
      'can I just buy it and expense it?',
    ],
    summary: `Expenses above ${usd(ApprovalThresholdUsd)} need your manager’s approval and above ${usd(DirectorApprovalUsd)} a director’s as well; purchases from suppliers need a purchase order before ordering: the manager approves up to ${usd(managerPoUsd)}, the department head and Finance up to ${usd(cfoPoUsd)}, the CFO above.`,
    body: `- **Expenses**: up to ${usd(ApprovalThresholdUsd)} they are submitted directly; above that they wait for your manager; above ${usd(DirectorApprovalUsd)} a director approves too. One expense may be at most ${usd(MaxExpenseUsd)} — anything larger is a purchase order.
- **Purchase orders**: raise one in the procurement portal **before** you order. Up to ${usd(managerPoUsd)} your manager approves; ${usd(managerPoUsd)}–${usd(cfoPoUsd)} the department head and Finance; above ${usd(cfoPoUsd)} the CFO. Approval usually takes **3 business days**.
- **Quotes**: **3 quotes** (or a written reason for a single supplier) above ${usd(cfoPoUsd)}.
- **Contracts**: longer than 12 months, auto-renewing, or involving personal data: Legal and Security review them before signing; only directors sign.
- **No PO, no pay**: supplier invoices without a PO number are held until one is raised.`,
    contact: 'Procurement (procurement@switchboard.example)',
  },
  {
    id: 'software-and-equipment',
    title: 'Buying software and equipment',
    keywords: [
      'software',
      'licence',
      'license',
      'saas',
      'app',
      'tool',
      'equipment',
      'hardware',
      'laptop',
      'monitor',
      'headset',
      'home office',
      'chair',
      'desk',
      'it approval',
    ],
    questions: [
      'can I expense a software licence?',
      'how do I get a new laptop?',
      'can I buy a monitor for my home office?',
      'does IT need to approve software I buy?',
      'how do I buy licences for my whole team?',
      'is there a home office equipment allowance?',
    ],
    summary: `Laptops and phones come from IT; work software needs IT’s approval and may be expensed up to ${usd(CategoryLimitsUsd.software)}, with team licences through a purchase order; home office equipment is reimbursed up to 300 USD a year.`,
    body: `- **Laptops and phones**: provided by IT (it@switchboard.example) — not expensed.
- **Software**: only products on IT’s approved list, or after IT’s security review (about 5 business days). One software expense may be at most ${usd(CategoryLimitsUsd.software)}; licences for a team or for more than a year go through a purchase order.
- **Home office equipment** (chair, desk, monitor, keyboard, headset): up to **300 USD** per calendar year, agreed with your manager before buying; one equipment expense at most ${usd(CategoryLimitsUsd.equipment)}.
- **Other equipment** for the office or a team: a purchase order, following the purchase approval thresholds.
- Hardware bought with company money is company property: IT registers items over 500 USD, and they are returned when you leave.`,
    contact:
      'IT (it@switchboard.example) for products; the Finance helpdesk (finance@switchboard.example) for claims',
  },
  {
    id: 'subscriptions-and-memberships',
    title: 'Subscriptions and professional memberships',
    keywords: [
      'professional institute',
      'membership fee',
      'stay a member',
      'annual fee',
      'subscription',
      'subscriptions',
      'recurring',
      'monthly fee',
      'renewal',
      'auto-renew',
      'membership',
      'professional membership',
      'professional body',
      'association',
      'newspaper',
      'magazine',
      'streaming',
      'cancel subscription',
    ],
    questions: [
      'can I expense a monthly software subscription?',
      'will the company pay my professional membership fee?',
      'can I claim a newspaper subscription?',
      'who should cancel a subscription nobody uses?',
      'my subscription renews every year, does it need a PO?',
    ],
    summary:
      'Work subscriptions approved by IT can be expensed while small; anything over 1,000 USD a year or used by a team moves to a purchase order; one professional membership per person up to 500 USD a year is covered, and personal subscriptions are not.',
    body: `- **Work subscriptions**: expense them monthly while they are under **1,000 USD a year** and used by you alone; above that, or for a team, Procurement sets them up on a purchase order and the supplier invoices the company.
- **Professional memberships**: one per employee, up to **500 USD a year**, when relevant to your role and agreed with your manager; claim it as a *training* expense.
- **Not covered**: personal subscriptions such as streaming, news, music or fitness apps (see HR for the wellbeing allowance).
- **Renewals**: the budget owner reviews every subscription **30 days** before it renews; cancel what is no longer used, and cancel or hand over your subscriptions when you leave.`,
    contact: 'your budget owner, or Procurement (procurement@switchboard.example)',
  },
  {
    id: 'gifts-and-hospitality',
    title: 'Gifts and hospitality',
    keywords: [
      'bottle of wine',
      'send a client a gift',
      'gift limit',
      'gift',
      'gifts',
      'client gift',
      'present',
      'hospitality',
      'entertainment',
      'client dinner',
      'tickets',
      'gift register',
      'bribe',
      'government official',
      'voucher',
    ],
    questions: [
      'can I buy a gift for a client?',
      'how much can I spend on a client gift?',
      'a supplier sent me a present, can I keep it?',
      'how much can I spend taking a client to dinner?',
      'do I have to declare tickets a vendor offered me?',
      'can we give gifts to government officials?',
    ],
    summary:
      'Client gifts up to 50 USD per person are reimbursed and gifts you receive up to 50 USD are fine; anything more must be declared in the gift register, and client entertainment is reimbursed up to 100 USD per person.',
    body: `- **Giving**: gifts to clients or partners up to **50 USD** per person per occasion, at most twice a year per recipient; never cash or gift cards. Gifts over 50 USD are not reimbursed. File them as *office* expenses with the recipient and reason.
- **Client entertainment**: up to **100 USD** per person, listing the attendees and business purpose; alcohol only with clients, in moderation; one meal expense at most ${usd(CategoryLimitsUsd.meals)}.
- **Receiving**: gifts and hospitality up to **50 USD** are fine. Declare anything above in the gift register within **5 business days**; usually it is politely refused or shared with the team.
- **Never**: anything to or from a government official without Legal’s approval, or anything while a tender or contract negotiation with the giver is open.`,
    contact:
      'the Finance helpdesk (finance@switchboard.example), or the Ethics line (ethics@switchboard.example)',
  },
];
