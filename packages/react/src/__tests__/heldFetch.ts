/**
 * A `fetch` for a test client whose writes (every request but a read) are counted and can be held
 * back or failed, in Node and in the browser alike. `failure` is the message of the `TypeError`
 * a failed request throws: the one the platform's own `fetch` gives when the network is gone.
 */
export function heldFetch(failure: string) {
  let gate: Promise<void> | undefined;
  let answers: Promise<void> | undefined;
  let open = () => {};
  let sent = 0;
  let drops = 0;
  let lost = 0;
  const held: typeof fetch = async (input, init) => {
    if (!init?.method || init.method === 'GET') return fetch(input, init);
    await gate;
    sent++;
    // As fetch fails when the network is gone: the request never reaches the server.
    if (drops > 0 && drops--) throw new TypeError(failure);
    const answer = await fetch(input, init);
    await answers;
    // As a connection that drops after the request arrived: stored, but never answered.
    if (lost > 0 && lost--) throw new TypeError(failure);
    return answer;
  };
  return {
    fetch: held,
    /** Keeps the next writes from leaving until `release()`. */
    hold: () => void (gate = new Promise<void>((resolve) => (open = resolve))),
    /** Lets the next writes reach the database but holds their answers until `release()`. */
    holdAnswers: () => void (answers = new Promise<void>((resolve) => (open = resolve))),
    release: () => open(),
    /** How many write requests left this client (dropped ones included). */
    sent: () => sent,
    /** Makes the next `count` write requests fail without an answer. */
    drop: (count: number) => void (drops = count),
    /** Lets the next `count` write requests reach the database, then fails them without an answer. */
    loseAnswers: (count: number) => void (lost = count),
  };
}
