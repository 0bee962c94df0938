import { describe, expect, it } from 'vitest';
import { mentionedPeople, unknownName } from './entities.js';

// Name lookups are compiled once per directory (recognised by its ids and names): these pin down
// that the compiled form answers exactly as matching each form on its own would.
describe('name lookups', () => {
  const ids = (text: string, people: { id: string; name: string }[]) =>
    mentionedPeople(text, people).map((p) => p.id);

  it('finds names that overlap and orders ties by the directory', () => {
    const people = [
      { id: 'ann', name: 'Ann Lee' },
      { id: 'lee', name: 'Lee Park' },
      { id: 'annie', name: 'Ann Smith' },
    ];
    // "Ann Lee" is Ann's full name, and holds Lee's id and Annie's first name.
    expect(ids('book it for Ann Lee', people)).toEqual(['ann', 'annie', 'lee']);
    expect(ids('LEE and ann', people)).toEqual(['lee', 'ann', 'annie']);
    expect(ids('bob@ann.com, pre-lee, lee-x, leeward', people)).toEqual([]);
  });

  it('returns the objects it was given and sees a directory change, even in the same array', () => {
    const people = [{ id: 'alice', name: 'Alice Martin' }];
    expect(ids('bob and alice', people)).toEqual(['alice']);
    expect(unknownName("what is bob's balance", people)).toBe('bob');
    people.push({ id: 'bob', name: 'Bob Chen' });
    expect(ids('bob and alice', people)).toEqual(['bob', 'alice']);
    expect(unknownName("what is bob's balance", people)).toBeUndefined();
    const copy = people.map((p) => ({ ...p }));
    expect(mentionedPeople('Bob Chen', copy)[0]).toBe(copy[1]);
    copy[1]!.name = 'Robert Chen';
    expect(ids('ask Robert', copy)).toEqual(['bob']);
  });

  it('finds nobody in an empty directory', () => {
    expect(mentionedPeople('alice', [])).toEqual([]);
    expect(unknownName('book leave for Zoe', [])).toBe('Zoe');
  });
});
