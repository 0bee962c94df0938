import type { HandbookEntry } from '@switchboard/agent-kit';
import { CategoryLimitsUsd, FxToUsd, ReceiptThresholdUsd } from '../../domain/rules.js';
import { usd } from './money.js';

const rates = Object.entries(FxToUsd)
  .filter(([c]) => c !== 'USD')
  .map(([c, r]) => `1 ${c} = ${r} USD`)
  .join(', ');
const currencies = Object.keys(FxToUsd).join(', ');

/** Travel, travel advances, mileage and currencies. */
export const travelEntries: readonly HandbookEntry[] = [
  {
    id: 'travel-booking-and-per-diem',
    title: 'Booking business travel and per diem',
    keywords: [
      'economy',
      'business class',
      'long flight',
      'flight class',
      'conference trip',
      'business trip',
      'travel',
      'book travel',
      'travel portal',
      'book a flight',
      'flight',
      'hotel',
      'train',
      'per diem',
      'perdiem',
      'daily allowance',
      'meal allowance',
      'trip approval',
      'conference travel',
      'plane ticket',
      'airfare',
      'accommodation',
      'hotel room',
      'premium economy',
      'first class',
      'train ticket',
      'flight booking',
      'hotel limit',
      'food allowance',
    ],
    questions: [
      'how do I book a business trip?',
      'what is the per diem when I travel abroad?',
      'can I fly business class?',
      'how much can I spend on a hotel per night?',
      'do I need approval before booking travel?',
      'do I still get per diem if the conference provides lunch?',
      'I am flying to Tokyo for a client meeting, can I sit in premium economy?',
      'how much can I spend on food each day while I am in Berlin for work?',
    ],
    summary:
      'Get your manager’s approval, then book flights and hotels through the travel portal: economy flights (premium economy over 6 hours), hotels up to 250 USD a night (350 in high-cost cities), and a per diem of 75 USD a day domestic or 90 USD international.',
    body: `- **Before booking**: your manager approves the trip; book through the travel portal (travel.switchboard.example) at least **14 days** ahead where possible, so the cost is charged centrally.
- **Flights**: economy; premium economy for flights over **6 hours**; business class only over **8 hours** with a director’s approval before booking. One checked bag is covered. **Trains**: standard class, first class over 3 hours.
- **Hotels**: up to **250 USD** a night, **350 USD** in New York, San Francisco, London, Zurich and Tokyo, taxes included; no minibar or upgrades.
- **Per diem** for trips with an overnight stay: **75 USD** a day domestic, **90 USD** international; 75% on the first and last day; meals paid by the company are deducted (breakfast 15%, lunch 25%, dinner 40%).
- **Limits per expense**: travel ${usd(CategoryLimitsUsd.travel)}, lodging ${usd(CategoryLimitsUsd.lodging)}; receipts needed above ${usd(ReceiptThresholdUsd)}. Ask the finance agent for "the spending policy" for all the details.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'travel-advances',
    title: 'Travel advances',
    keywords: [
      'cash advance for a trip',
      'no company card',
      'money before the trip',
      'advance',
      'travel advance',
      'cash advance',
      'money upfront',
      'pay in advance',
      'up front',
      'float',
      'settle advance',
      'no corporate card',
      'cash for trip',
      'money before i go',
      'advance payment',
      'cash upfront',
      'prepay',
      'pay back the advance',
      'leftover cash',
      'unspent advance',
      'spending money',
      'unsettled advance',
    ],
    questions: [
      'can I get money in advance for a business trip?',
      'how much can a travel advance be?',
      'how do I settle my travel advance after the trip?',
      'what if I spent less than the advance?',
      'I do not have a corporate card, how do I pay for my trip?',
      'I cannot front the costs of a week in Brazil, can finance pay me before I go?',
      'I came back with 300 dollars left from my advance, what do I do with it?',
      'can I get some cash up front for a long trip?',
    ],
    summary:
      'Employees without a corporate card can get an advance of up to 80% of the expected out-of-pocket costs (at most 2,000 USD) for trips of 3 nights or more; settle it with an expense report within 30 days of returning.',
    body: `- **Who**: employees without a corporate card, for trips of **3 nights or more**, or anyone travelling where cards are not accepted.
- **Amount**: up to **80%** of the expected per diem and out-of-pocket costs, at most **2,000 USD** per trip. Flights and hotels booked through the travel portal are paid centrally and are not part of it.
- **Request**: through the Finance helpdesk with your manager’s approval at least **10 business days** before you leave; it is paid in the next expense payment run.
- **Settling**: file the trip’s expenses within **30 days** of returning; the advance is netted against them. Return any unspent amount by bank transfer; what you spent above the advance is reimbursed.
- Advances not settled within **60 days** are recovered from your next reimbursements or, with your agreement, from salary.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'mileage-and-car-use',
    title: 'Mileage and using your own car',
    keywords: [
      'mileage',
      'miles',
      'kilometres',
      'km',
      'own car',
      'personal car',
      'private car',
      'drive',
      'driving',
      'petrol',
      'gas',
      'fuel',
      'parking',
      'tolls',
      'rental car',
      'speeding ticket',
      'drove',
      'car',
      'my car',
      'mileage allowance',
      'mileage claim',
      'petrol money',
      'gas money',
      'parking ticket',
      'parking fine',
      'car hire',
    ],
    questions: [
      'what is the mileage rate?',
      'can I claim for driving my own car to a client?',
      'is my commute to the office reimbursed?',
      'how do I claim mileage?',
      'are parking and tolls covered?',
      'who pays for a parking ticket I got on a business trip?',
      'I drove 120 miles to see a customer, how much do I get back?',
      'I hired a car for a site visit, what size can I rent?',
    ],
    summary:
      'Using your own car for business is reimbursed at 0.67 USD per mile (0.42 USD per km), plus parking and tolls; the daily commute and fines are not.',
    body: `- **Rate**: **0.67 USD per mile** (**0.42 USD per km**), which covers fuel, wear and insurance; no fuel receipts needed.
- **What counts**: trips to clients, other offices, events or the airport. From home to a client site, deduct your usual commute distance; the daily commute itself is not reimbursed.
- **How to claim**: a *transport* expense with the date, start and end points, purpose and distance; at most ${usd(CategoryLimitsUsd.transport)} per expense. Parking and tolls go in the same category, with receipts above ${usd(ReceiptThresholdUsd)}.
- **Rental cars**: compact class, with fuel; for round trips over 300 miles a rental is usually cheaper than mileage.
- Your own car insurance must cover business use. Parking and speeding fines are never reimbursed.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
  {
    id: 'currency-conversion',
    title: 'Foreign currencies and exchange rates',
    keywords: [
      'currency',
      'foreign currency',
      'exchange rate',
      'fx',
      'conversion',
      'convert',
      'euro',
      'pound',
      'yen',
      'franc',
      'canadian dollar',
      'foreign transaction fee',
      'paid abroad',
      'euros',
      'pounds',
      'gbp',
      'eur',
      'sterling',
      'atm fee',
      'bank fee',
      'swiss franc',
    ],
    questions: [
      'I paid in euros, how do I claim it?',
      'which exchange rate does finance use?',
      'are foreign transaction fees reimbursed?',
      'can I file an expense in pounds?',
      'I paid in a currency that is not in the list, what do I do?',
      'I paid for dinner in London with my own card, what amount in dollars do I claim?',
      'my bank charged me a fee for paying in yen, can I claim that?',
      'what rate do you use to turn my Swiss francs into dollars?',
    ],
    summary: `File the expense in the currency you paid (${currencies}); it is converted to USD at fixed company rates, and all limits apply to the USD amount.`,
    body: `- **Currencies**: expenses can be filed in ${currencies}.
- **Rates**: converted to USD at the fixed company rates: ${rates}. Limits, approval thresholds and receipt rules apply to the USD equivalent.
- **Other currencies**: convert to USD with the rate on your card or bank statement and attach the statement line.
- **Fees**: foreign transaction and ATM fees on your own card are reimbursed with the bank statement; corporate card charges are billed in USD and need no conversion.
- Reimbursements are paid in the currency of the bank account on file with Payroll.`,
    contact: 'the Finance helpdesk (finance@switchboard.example)',
  },
];
