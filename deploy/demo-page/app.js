// The demo page: two people (left, right) on each of the five apps. The query
// string can move the apps' ports (?tribe=9000&…; deploy/run-demo.sh prints the
// URL) or show one side only (?side=left: the browser test opens each side in
// its own browser context, as two people on two machines would).
import { Card, element } from './card.js';
import * as tribe from './dialects/tribe.js';
import * as circles from './dialects/circles.js';
import * as pythia from './dialects/pythia.js';
import * as social from './dialects/social.js';
import * as winkr from './dialects/winkr.js';

const DIALECTS = { tribe, circles, pythia, social, winkr };
const PORTS = { tribe: 8000, circles: 8010, pythia: 8020, social: 8030, winkr: 8040 };  // deploy/gangway.demo.json
const PEOPLE = {  // the demo backend's seeded users (deploy/demo_backend/README.md)
  left: { tribe: 'alice', circles: 'maya', pythia: 'alice', social: 'alice', winkr: 'alice' },
  right: { tribe: 'bob', circles: 'noah', pythia: 'bob', social: 'bob', winkr: 'bob' },
};
const START_TIMEOUT_MS = 15000;

const params = new URLSearchParams(location.search);
const statusLine = document.getElementById('status');
const grid = document.getElementById('grid');

function fail(text) {
  document.body.dataset.state = 'failed';
  statusLine.textContent = text;
}

function within(ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startCard(card, dialect, side) {
  const otherSide = side === 'left' ? 'right' : 'left';
  const env = { me: PEOPLE[side][dialect], other: PEOPLE[otherSide][dialect], port: PORTS[dialect], side };
  try {
    await within(START_TIMEOUT_MS, DIALECTS[dialect].start(card, env));
    card.state('ready', `connected to :${env.port}`);
    return true;
  } catch (e) {
    card.state('failed', 'failed');
    card.log('error', e.message ?? String(e));
    return false;
  }
}

async function main() {
  for (const [name, value] of params) {
    if (!(name in PORTS)) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`?${name}=${value} is not a port`);
    PORTS[name] = port;
  }
  const only = params.get('side');
  if (only !== null && !(only in PEOPLE)) return fail(`?side=${only}: want left or right`);
  const sides = only ? [only] : ['left', 'right'];
  grid.style.setProperty('--sides', sides.length);
  for (const side of sides) {
    const people = [...new Set(Object.values(PEOPLE[side]))].join(' / ');
    grid.append(element('h2', { class: 'side-title', 'data-side': side }, `${side}: ${people}`));
  }
  const cards = {};
  for (const dialect of Object.keys(DIALECTS)) {
    cards[dialect] = {};
    for (const side of sides) {
      const { meta } = DIALECTS[dialect];
      cards[dialect][side] = new Card(grid, { dialect, side, user: PEOPLE[side][dialect], title: meta.title });
      cards[dialect][side].hint(meta.hint);
    }
  }
  window.gangwayDemo = { cards, ports: PORTS };
  // One side after the other, so that the second one's arrival shows as presence on the first.
  let ok = true;
  for (const side of sides) {
    const started = await Promise.all(Object.keys(DIALECTS).map((d) => startCard(cards[d][side], d, side)));
    ok = ok && started.every(Boolean);
  }
  if (!ok) return fail('Some apps did not connect: their boxes say why (and the gateway log).');
  document.body.dataset.state = 'ready';
  statusLine.textContent = 'All connected. Type on one side, watch the other.';
}

main().catch((e) => fail(`The page failed: ${e.message}`));
