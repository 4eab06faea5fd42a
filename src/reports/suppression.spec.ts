import { suppress } from './suppression';

describe('small-cell suppression', () => {
  it('hides counts below the threshold and keeps zeros and large counts', () => {
    expect(suppress({ a: 0, b: 3, c: 12, d: 7, e: 2 }, 5)).toEqual({ a: 0, b: null, c: 12, d: 7, e: null });
  });

  it('suppresses a second cell when only one is small, so subtraction from the total reveals nothing', () => {
    expect(suppress({ FEMALE: 40, MALE: 9, OTHER: 1 }, 5)).toEqual({ FEMALE: 40, MALE: null, OTHER: null });
  });

  it('leaves a breakdown without small cells untouched', () => {
    expect(suppress({ x: 5, y: 6 }, 5)).toEqual({ x: 5, y: 6 });
  });
});
