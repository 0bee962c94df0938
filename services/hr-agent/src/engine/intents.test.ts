import { describe, expect, it } from 'vitest';
import { mentionedChoice, mentionedPeople, unknownName } from './entities.js';
import { detectIntent, isNo, isYes } from './intents.js';

describe('detectIntent', () => {
  it.each([
    ['how many vacation days do I have?', 'balance'],
    ['how much PTO do I have left?', 'balance'],
    ['what is my leave balance', 'balance'],
    ['how many days off do I have remaining this year?', 'balance'],
    ['check my annual leave', 'balance'],
    ['how much PTO is left for alice?', 'balance'],
    ['how many sick days can I take?', 'balance'],
    ['I want to book vacation', 'request_leave'],
    ['I need to take leave next week', 'request_leave'],
    ['request time off for the 2nd to the 6th of June', 'request_leave'],
    ['can I take Friday off?', 'request_leave'],
    ['put in a PTO request for next Monday', 'request_leave'],
    ['I would like to book two weeks of holiday in August', 'request_leave'],
    ['I need a day off tomorrow', 'request_leave'],
    ['cancel my leave request', 'cancel_leave'],
    ['please cancel my vacation next week', 'cancel_leave'],
    ['withdraw my time off request', 'cancel_leave'],
    ['show my leave requests', 'list_leave'],
    ['what time off have I booked?', 'list_leave'],
    ['list my upcoming vacation days', 'list_leave'],
    ["I'm sick today", 'sick'],
    ["I'm not feeling well and won't be in today", 'sick'],
    ['I need to call in sick', 'sick'],
    ['when are the company holidays this year?', 'holidays'],
    ['is the office closed on Christmas?', 'holidays'],
    ['which public holidays do we get?', 'holidays'],
    ['is Good Friday a holiday?', 'holidays'],
    ['what is the parental leave policy?', 'policy'],
    ['how many weeks of maternity leave do we get?', 'policy'],
    ['is there paternity leave for new fathers?', 'policy'],
    ['what is the bereavement leave policy?', 'policy'],
    ['how much time off do I get if a relative dies?', 'policy'],
    ['can I work remotely from another country?', 'policy'],
    ['how many days a week can I work from home?', 'policy'],
    ['do I need a doctor note for sick leave?', 'policy'],
    ['what is the policy on unpaid leave?', 'policy'],
    ['do unused vacation days roll over?', 'policy'],
    ['who is my manager?', 'directory'],
    ['who is my HR partner?', 'directory'],
    ['who does alice report to?', 'directory'],
    ['who manages the engineering team?', 'directory'],
    ['who should I contact in HR?', 'directory'],
    ['hello', 'help'],
    ['what can you do?', 'help'],
    ['thanks!', 'thanks'],
  ])('"%s" → %s', (text, intent) => {
    expect(detectIntent(text, { hasDate: /tomorrow|friday|monday|next week|june/i.test(text) })?.intent).toBe(
      intent,
    );
  });

  it('finds nothing in unrelated text', () => {
    expect(detectIntent('the weather is nice')).toBeUndefined();
  });
});

describe('entities', () => {
  const people = [
    { id: 'alice', name: 'Alice Martin' },
    { id: 'carol', name: 'Carol Diaz' },
    { id: 'frank', name: 'Frank Russo' },
  ];
  it('finds people by id, first name, full name and possessive, in order', () => {
    expect(mentionedPeople("is Carol Diaz's request before alice's?", people).map((p) => p.id)).toEqual([
      'carol',
      'alice',
    ]);
    expect(mentionedPeople('to be frank, book it for carol', people).map((p) => p.id)).toEqual(['carol']);
    expect(mentionedPeople('how much leave does Frank have', people).map((p) => p.id)).toEqual(['frank']);
  });

  it('spots names that are not in the directory', () => {
    expect(unknownName("what is zoe's balance", people)).toBe('zoe');
    expect(unknownName('book leave for Zoe', people)).toBe('Zoe');
    expect(unknownName('book leave for Friday', people)).toBeUndefined();
    expect(unknownName("what's the policy for New Year's Day", people)).toBeUndefined();
    expect(unknownName('who is the Head of Marketing?', people)).toBeUndefined();
    expect(unknownName('I want to Book leave about Remote work', people)).toBeUndefined();
  });

  it('reads yes, no and list choices', () => {
    expect(['yes', 'Yes please', 'ok', 'sure, go ahead', 'confirm'].every(isYes)).toBe(true);
    expect(['no', 'nope', 'never mind', "don't"].every(isNo)).toBe(true);
    expect(isYes('not sure')).toBe(false);
    expect(mentionedChoice('2', 3)).toBe(2);
    expect(mentionedChoice('the second one', 3)).toBe(2);
    expect(mentionedChoice('#4', 3)).toBeUndefined();
  });
});
