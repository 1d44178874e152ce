// A command: arguments, environment, and a computation over JSON.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.12';

export const run = {
  run() {
    const args = getArguments().slice(1);
    const env = Object.fromEntries(getEnvironment());
    console.log(`hello from JavaScript, arguments ${JSON.stringify(args)}`);
    console.log(`GREETING: ${env.GREETING}, HOME: ${env.HOME}`);
    const doc = JSON.parse('{"numbers": [12, 7, 3.5, 41, 7, 19, 0.25, 88, 7], "text": "The cat sat on the mat. The dog sat by the door; a cat ran!"}');
    const sum = doc.numbers.reduce((a, b) => a + b, 0);
    const sorted = [...doc.numbers].sort((a, b) => a - b);
    const counts = new Map();
    for (const w of doc.text.toLowerCase().split(/\s+/)) {
      const word = w.replace(/[.,;!?]/g, '');
      counts.set(word, (counts.get(word) || 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3);
    console.log(`sum ${sum}, median ${sorted[Math.floor(sorted.length / 2)]}, top ${JSON.stringify(top)}`);
  }
};
