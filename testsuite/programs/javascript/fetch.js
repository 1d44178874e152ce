// A command that fetches the URL given as its first argument (wasi:http's
// outgoing handler) and prints what came back.
import { getArguments } from 'wasi:cli/environment@0.2.12';

export const run = {
  async run() {
    const url = getArguments()[1];
    const res = await fetch(url, { headers: { 'x-test': 'from JavaScript' } });
    const text = await res.text();
    console.log(`status ${res.status}, path ${res.headers.get('x-echo-path')}, ` +
                `x-test ${res.headers.get('x-echo-test')}, body ${text}`);
  }
};
