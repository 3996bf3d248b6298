// social (seed 003): a session cookie (POST /api/login sets it; the browser
// sends it with the upgrade, and the gateway checks the page's Origin), frames
// {"type": private|group|broadcast|notification}. The seed has no typing or
// presence, and a sender hears nothing back: what it sent is shown from here.
import { api, Socket, withCookieOf, wsUrl } from '../net.js';

const USER_IDS = { admin: 1, alice: 2, bob: 3, carol: 4 };
const DEVELOPERS = '1';  // alice and bob, accepted
const DESIGNERS = 2;     // alice and carol; bob pending an invite

export const meta = { title: 'social', hint: 'cookie session; private and group messages, notifications' };

export async function start(card, { me, other, port }) {
  const login = () => api('POST', '/api/login', { body: { username: me, password: 'password' } });
  const asMe = (use) => withCookieOf(login, use);
  let socket;
  await asMe(async () => {
    socket = new Socket(wsUrl(port, '/ws'), card, (f) => {
      switch (f.type) {
        case 'private':
          card.message(other, f.content);
          break;
        case 'group':
          card.message(`${other} in group ${f.group_id}`, f.content);
          break;
        case 'broadcast':
          card.log('notification', `broadcast: ${f.content}`);
          break;
        case 'notification':
          card.log('notification', `${f.subtype}: ${f.message}`);
          break;
        case 'error':
          card.log('error', `${f.code}: ${f.message}`);
          break;
        default:
          card.log('system', JSON.stringify(f));
      }
    });
    await socket.opened;  // the cookie has gone with the upgrade: the next login may replace it
  });
  card.presenceNote('presence and typing: seed 003 has neither');

  card.onSend((text) => {
    socket.send({ type: 'private', to: USER_IDS[other], content: text });
    card.message(me, text, { mine: true });
  });
  card.extra('message group Developers', () => {
    const content = `hello Developers, ${me} here`;
    socket.send({ type: 'group', group_id: DEVELOPERS, content });
    card.message(me, `(Developers) ${content}`, { mine: true });
  }, { name: 'group' });
  if (me === 'alice') {
    card.extra(`invite ${other} to Designers`, async () => {
      await asMe(() => api('POST', '/api/groups/invite', { body: { group_id: DESIGNERS, user_id: USER_IDS[other] } }));
      card.log('extra', `invited ${other} to Designers`);
    }, { name: 'notify' });
  }
  card.extra('stored notifications', async () => {
    const list = await asMe(() => api('GET', '/api/notifications'));
    card.log('extra', `${list.length} stored: ${list.map((n) => n.message).join('; ') || 'none'}`);
  }, { name: 'notifications' });
}
