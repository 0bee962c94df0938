import type { HandbookEntry } from '@switchboard/agent-kit';

/** Supplier invoices, payments and new suppliers. */
export const vendorEntries: readonly HandbookEntry[] = [
  {
    id: 'vendor-invoices-and-payments',
    title: 'Supplier invoices and vendor payments',
    keywords: [
      'invoice',
      'invoices',
      'supplier invoice',
      'vendor invoice',
      'bill',
      'vendor',
      'supplier',
      'payment terms',
      'net 30',
      'due date',
      'overdue',
      'unpaid invoice',
      'accounts payable',
      'ap',
      'pay a supplier',
      'supplier payment',
      'pay an invoice',
      'bill from supplier',
      'invoice not paid',
      'chasing payment',
      'remittance',
      'po number',
      'late payment',
      'contractor invoice',
      'freelancer invoice',
    ],
    questions: [
      'how do I submit a supplier invoice?',
      'when will the vendor be paid?',
      'what are our payment terms?',
      'has invoice INV-1001 been paid?',
      'a supplier says their invoice is overdue, what do I do?',
      'can I pay a supplier with my corporate card?',
      'can we pay an invoice early?',
      'a freelancer we used says she still has not been paid, can you check?',
    ],
    summary:
      'Suppliers email invoices, quoting a purchase order number, to Accounts payable; our standard terms are 30 days from the invoice date, and invoices are paid in the weekly payment run before they fall due.',
    body: `- **Submitting**: suppliers send invoices as PDF to ap@switchboard.example with the **PO number**, the company’s legal name and the ordering department. If an invoice reaches you, forward it there the same day; do not pay it yourself or by card.
- **Terms**: **30 days** from the invoice date, unless a contract approved by Finance says otherwise.
- **Approval and payment**: Accounts payable matches the invoice to the PO and your confirmation that the goods or services arrived, then pays it in the weekly payment run (**Thursdays**) before the due date. Early payment only for a discount of at least 2%.
- **Checking**: ask the finance agent about an invoice by its id (e.g. "has INV-1001 been paid?"), by vendor, or for all unpaid or overdue invoices.
- **Overdue**: usually a missing PO or goods receipt — tell Accounts payable with the invoice id; they pay it in the next run once resolved.`,
    contact: 'Accounts payable (ap@switchboard.example)',
  },
  {
    id: 'new-supplier-onboarding',
    title: 'Setting up a new supplier',
    keywords: [
      'new catering company',
      'get a supplier into the system',
      'new vendor setup',
      'new supplier',
      'new vendor',
      'supplier onboarding',
      'vendor onboarding',
      'vendor setup',
      'add a supplier',
      'supplier form',
      'w-9',
      'w9',
      'bank details',
      'change bank details',
      'sanctions check',
      'vendor master',
      'new contractor',
      'register a supplier',
      'onboard a vendor',
      'new provider',
      'supplier details',
      'tax form',
      'banking details',
      'fake invoice',
      'bank change request',
      'approved supplier list',
    ],
    questions: [
      'how do I add a new supplier?',
      'how long does it take to set up a new vendor?',
      'what does a new supplier need to send us?',
      'a supplier emailed new bank details, what do I do?',
      'can I order from a supplier before they are set up?',
      'we want to start using a new cleaning company, how do we get them set up?',
      'a vendor sent an email saying their account number changed, should I update it?',
      'what paperwork does a new freelancer need before we can pay them?',
    ],
    summary:
      'Request a new supplier in the procurement portal; once they send their tax form, bank details on letterhead and signed supplier code of conduct, Finance checks and sets them up within 5 business days — order nothing before that.',
    body: `- **Request**: the procurement portal, with the supplier’s contact, what you will buy and the expected yearly spend; check first whether an existing supplier can do it.
- **From the supplier**: a W-9 (US) or VAT/company registration (elsewhere), bank details on company letterhead, and the signed supplier code of conduct.
- **Checks**: Finance runs a sanctions and credit check and confirms the bank details by a call-back to a known phone number; set-up takes about **5 business days**.
- **Bank detail changes**: always verified by a call-back — never act on an email asking to change a supplier’s bank account; forward it to Accounts payable (a common fraud).
- No purchase order or payment is possible until the supplier is set up.`,
    contact: 'Procurement (procurement@switchboard.example), or Accounts payable (ap@switchboard.example)',
  },
];
