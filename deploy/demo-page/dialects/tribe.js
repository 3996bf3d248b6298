// tribe (seed 002): JWT in ?token=, frames {"event": …}. Messages are posted
// through REST and reach the other participants as message.new (the sender is
// excluded); typing goes over the socket; "presence" frames reach NATS
// (gw.in.tribe.presence.user.<id>) and nobody's socket: seed 002 has no
// presence event yet.
import { api, Socket, wsUrl } from '../net.js';

const CONVERSATION = 'c-ab';  // alice and bob (deploy/demo_backend/README.md)

export const meta = { title: 'tribe', hint: `conversation ${CONVERSATION}; messages via REST, typing over the socket` };

export async function start(card, { me, port }) {
  const login = await api('POST', '/api/v1/auth/login', { body: { username: me, password: 'password' } });
  const token = login.access_token;
  const myId = login.user.id;
  let ready;
  const subscribed = new Promise((resolve) => { ready = resolve; });
  const socket = new Socket(wsUrl(port, `/api/v1/ws?token=${encodeURIComponent(token)}`), card, (f) => {
    switch (f.event) {
      case 'connected':
        socket.send({ event: 'subscribe', channel: 'conversation', conversation_id: CONVERSATION });
        break;
      case 'subscribed':
        socket.send({ event: 'presence', status: 'online' });
        ready();
        break;
      case 'message.new':
        card.message(f.data.sender.username, f.data.content, { mine: f.data.sender.id === myId, id: f.data.id });
        break;
      case 'typing':
        if (f.data.user_id !== myId) card.typing(f.data.user_name, f.data.is_typing);
        break;
      case 'pong':
        card.log('extra', 'pong');
        break;
      case 'error':
        card.log('error', `${f.code}: ${f.message}`);
        break;
      default:
        card.log('system', JSON.stringify(f));
    }
  });
  await socket.opened;
  await subscribed;
  card.presenceNote('presence: seed 002 has none to show ("presence" frames go to NATS only)');
  card.onSend(async (text) => {
    const m = await api('POST', `/api/v1/conversations/${CONVERSATION}/messages`, { token, body: { content: text } });
    card.message(me, m.content, { mine: true, id: m.id });  // message.new skips its sender
  });
  card.onTyping((isTyping) => socket.send({ event: 'typing', conversation_id: CONVERSATION, is_typing: isTyping }));
  card.extra('ping', () => socket.send({ event: 'ping' }));
}
