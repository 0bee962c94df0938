import {
  ApprovalThresholdUsd,
  CategoryLimitsUsd,
  DirectorApprovalUsd,
  FxToUsd,
  MaxExpenseAgeDays,
  MaxExpenseUsd,
  ReceiptThresholdUsd,
} from '../domain/rules.js';

/** One section of the spending policy. */
export interface PolicySection {
  id: string;
  title: string;
  /** Words and phrases that point to this section (lower case). */
  keywords: readonly string[];
  text: string;
}

const usd = (n: number) => `${n.toLocaleString('en-US')} USD`;
const limits = Object.entries(CategoryLimitsUsd)
  .map(([c, n]) => `${c} ${usd(n)}`)
  .join(', ');
const rates = Object.entries(FxToUsd)
  .filter(([c]) => c !== 'USD')
  .map(([c, r]) => `1 ${c} = ${r} USD`)
  .join(', ');

/** The company spending policy (demo), one section per topic. Amounts come from the rules module. */
export const policySections = [
  {
    id: 'per_diem',
    title: 'Per diem and daily meal allowance',
    keywords: [
      'per diem',
      'perdiem',
      'daily allowance',
      'meal allowance',
      'incidentals',
      'daily',
      'per day',
      'allowance',
      'business trip',
    ],
    text: 'On business travel with an overnight stay, meals and incidentals are covered by a per diem of 75 USD per day for domestic trips and 90 USD per day for international trips. The first and last travel day get 75% of the rate. Meals paid by the company (conference lunches, client dinners) are deducted: breakfast 15%, lunch 25%, dinner 40% of the rate.',
  },
  {
    id: 'hotel',
    title: 'Hotels and lodging',
    keywords: ['hotel', 'lodging', 'accommodation', 'per night', 'nightly', 'room', 'airbnb', 'stay'],
    text: 'Hotels are reimbursed up to 250 USD per night, or up to 350 USD per night in high-cost cities (New York, San Francisco, London, Zurich, Tokyo), taxes included. Book a standard room through the travel portal where possible; apartment rentals are fine within the same limit. Minibar, movies and upgrades are not reimbursed. File the stay as one lodging expense with the itemised hotel bill.',
  },
  {
    id: 'meals',
    title: 'Meals and client entertainment',
    keywords: [
      'meal',
      'meals',
      'lunch',
      'dinner',
      'breakfast',
      'client entertainment',
      'entertainment',
      'client dinner',
      'alcohol',
      'restaurant',
      'team dinner',
    ],
    text: `When you are not on a per diem, individual business meals are reimbursed up to 20 USD for breakfast, 25 USD for lunch and 50 USD for dinner. Client entertainment is reimbursed up to 100 USD per person: list the attendees and the business purpose. Alcohol is only reimbursed with client meals, in moderation. One meal expense may be at most ${usd(CategoryLimitsUsd.meals)}; larger events need a budget approved in advance.`,
  },
  {
    id: 'taxi',
    title: 'Taxis and ride-share',
    keywords: [
      'taxi',
      'cab',
      'uber',
      'lyft',
      'ride-share',
      'rideshare',
      'ride share',
      'ride',
      'airport transfer',
    ],
    text: `Taxis and ride-share (Uber, Lyft, standard or economy options only, no premium cars) are reimbursed for business trips, airport transfers, travel between offices or to client sites, and for the ride home after working past 9 pm. The daily commute is not reimbursed. Tips up to 15% are fine. One ride may be at most ${usd(CategoryLimitsUsd.taxi)}. To get reimbursed, submit an expense in the category taxi with the date and amount, and keep the receipt (required above ${usd(ReceiptThresholdUsd)}).`,
  },
  {
    id: 'transport',
    title: 'Trains, car rental, mileage and parking',
    keywords: [
      'train',
      'rail',
      'bus',
      'car rental',
      'rental car',
      'mileage',
      'parking',
      'toll',
      'fuel',
      'gas',
      'public transport',
    ],
    text: 'Trains are reimbursed in standard class; first class for journeys over 3 hours. Rental cars in the compact class, with fuel. Using your own car for business is reimbursed at 0.67 USD per mile (0.42 USD per km). Parking and tolls on business trips are reimbursed. File these in the category transport.',
  },
  {
    id: 'flights',
    title: 'Flights',
    keywords: [
      'flight',
      'fly',
      'flights',
      'airfare',
      'plane',
      'business class',
      'economy',
      'premium economy',
      'first class',
      'airline',
      'baggage',
    ],
    text: 'Flights are booked in economy class, at least 14 days ahead where possible. Premium economy is allowed for flights over 6 hours. Business class is allowed only for flights over 8 hours and with a director’s approval before booking. One checked bag is reimbursed. File flights in the category travel.',
  },
  {
    id: 'approvals',
    title: 'Approval thresholds',
    keywords: [
      'approval',
      'approve',
      'approves',
      'threshold',
      'who needs to approve',
      'sign off',
      'purchase order',
      'purchase',
      'authorise',
      'authorize',
      'manager approval',
    ],
    text: `Expenses up to ${usd(ApprovalThresholdUsd)} are submitted directly. Above ${usd(ApprovalThresholdUsd)} they wait for your manager’s approval (status pending approval); above ${usd(DirectorApprovalUsd)} a director approves as well. A single expense may not exceed ${usd(MaxExpenseUsd)}. Purchases go through a purchase order: up to 5,000 USD your manager approves, from 5,000 to 25,000 USD the department head and Finance, above 25,000 USD the CFO.`,
  },
  {
    id: 'receipts',
    title: 'Receipts',
    keywords: ['receipt', 'receipts', 'proof', 'lost receipt', 'itemised', 'itemized', 'invoice copy'],
    text: `A receipt is required for every expense above ${usd(ReceiptThresholdUsd)} (or its equivalent in another currency). It must be itemised and show the date, the vendor and the amount; a clear photo or PDF is fine. If a receipt is lost, file a missing-receipt declaration signed by your manager (at most twice a year).`,
  },
  {
    id: 'deadline',
    title: 'Submission deadline and reimbursement timing',
    keywords: [
      'deadline',
      'how long',
      'late',
      'when will',
      'paid out',
      'payout',
      'reimbursement timing',
      'how soon',
      'days',
      'submission',
      'reimbursed',
    ],
    text: `Submit expenses within ${MaxExpenseAgeDays} days of the date you paid; older expenses are not accepted (we recommend within 30 days). Approved expenses are paid in the next expense payment run (Tuesdays and Thursdays), usually within 5 business days of approval.`,
  },
  {
    id: 'home_office',
    title: 'Home office and equipment',
    keywords: [
      'home office',
      'chair',
      'desk',
      'monitor',
      'keyboard',
      'headset',
      'equipment',
      'laptop',
      'webcam',
      'hardware',
    ],
    text: `Home office equipment (chair, desk, monitor, keyboard, headset) is reimbursed up to 300 USD per calendar year, with your manager’s agreement before buying. Laptops and phones are provided by IT and are not expensed. One equipment expense may be at most ${usd(CategoryLimitsUsd.equipment)}; file it in the category equipment.`,
  },
  {
    id: 'software',
    title: 'Software and subscriptions',
    keywords: ['software', 'subscription', 'licence', 'license', 'saas', 'app', 'tool'],
    text: `Software for work is reimbursed when IT has approved the product; personal subscriptions (streaming, news) are not. One software expense may be at most ${usd(CategoryLimitsUsd.software)}; team-wide licences go through a purchase order.`,
  },
  {
    id: 'training',
    title: 'Training and conferences',
    keywords: [
      'training',
      'course',
      'conference',
      'registration',
      'certification',
      'workshop',
      'learning',
      'seminar',
      'book',
    ],
    text: `Each employee has a learning budget of 2,000 USD per year for courses, certifications, books and conference tickets, agreed with the manager before booking. One training expense may be at most ${usd(CategoryLimitsUsd.training)}. Travel to a conference follows the travel rules.`,
  },
  {
    id: 'claimable',
    title: 'What you can claim',
    keywords: [
      'what can i claim',
      'what can i expense',
      'claimable',
      'reimbursable',
      'eligible',
      'categories',
      'category',
      'not reimbursed',
      'allowed',
    ],
    text: `You can claim business costs in these categories, each with a limit per expense: ${limits}. Not reimbursed: personal items, fines and penalties, the daily commute, alcohol without a client, gifts over 50 USD, and anything a supplier already invoiced to the company.`,
  },
  {
    id: 'currencies',
    title: 'Currencies and exchange rates',
    keywords: [
      'currency',
      'currencies',
      'exchange rate',
      'fx',
      'foreign',
      'euro',
      'pound',
      'yen',
      'franc',
      'conversion',
    ],
    text: `Expenses can be paid in USD, EUR, GBP, CHF, JPY or CAD and are converted to USD at fixed company rates: ${rates}. Limits and thresholds apply to the USD equivalent.`,
  },
] as const satisfies readonly PolicySection[];

/** The ids of the policy sections. */
export type PolicyTopic = (typeof policySections)[number]['id'];
export const policyTopics = policySections.map((s) => s.id) as [PolicyTopic, ...PolicyTopic[]];

const stop = new Set(
  'a an the is are was were be to of for in on at and or my our i me we you it its do does can could how what which who when where much many there this that with any per'.split(
    ' ',
  ),
);

function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length > 1 && !stop.has(w));
}

/** Ranks the policy sections for a question: keyword phrases weigh most, then title and text words. */
export function searchPolicies(question: string, limit = 2): { section: PolicySection; score: number }[] {
  const q = ` ${question.toLowerCase().replace(/[^a-z0-9-]+/g, ' ')} `;
  const qWords = new Set(words(question));
  return policySections
    .map((section: PolicySection) => {
      let score = 0;
      for (const k of section.keywords) if (q.includes(` ${k} `)) score += k.includes(' ') ? 4 : 3;
      for (const w of words(section.title)) if (qWords.has(w)) score += 1;
      for (const w of new Set(words(section.text))) if (qWords.has(w)) score += 0.25;
      return { section, score };
    })
    .filter((r) => r.score >= 1)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
