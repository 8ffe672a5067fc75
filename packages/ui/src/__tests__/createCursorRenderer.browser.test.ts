import { afterEach, describe, expect, it } from 'vitest';
import { createCursorRenderer, type CursorRenderer } from '../createCursorRenderer';

let renderer: CursorRenderer | undefined;
let box: HTMLElement | undefined;

afterEach(() => {
  renderer?.stop();
  box?.remove();
});

/** A renderer over a real 800×600 box, with cursors that idle after 300 ms. */
function setup() {
  box = document.createElement('div');
  box.style.cssText = 'position: relative; width: 800px; height: 600px';
  document.body.append(box);
  const area = box;
  renderer = createCursorRenderer({ box: () => area, idleMs: 300, jump: () => false });
  return renderer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createCursorRenderer', () => {
  it('forgets a cursor that no element claims, such as a message from someone who already left', async () => {
    const cursors = setup();
    cursors.move('gone', 0.5, 0.5);
    expect(cursors.size).toBe(1);
    await expect.poll(() => cursors.size, { timeout: 3000 }).toBe(0);
  });

  it('keeps a resting cursor whose element is attached, and forgets it when it is removed', async () => {
    const cursors = setup();
    const el = document.createElement('div');
    box?.append(el);
    cursors.attach('ann', el);
    cursors.move('ann', 0.25, 0.25);
    await expect.poll(() => el.dataset.state).toBe('idle');
    await sleep(700);
    expect(cursors.size).toBe(1);
    expect(el.style.transform).toBe('translate(200px, 150px)');
    cursors.remove('ann');
    expect(cursors.size).toBe(0);
  });

  it('ignores hiding a cursor it does not know', () => {
    const cursors = setup();
    cursors.hide('stranger');
    expect(cursors.size).toBe(0);
  });
});
