// pythia (seed 001): JWT in ?token=, frames {"type": …}. The socket auto-joins
// the user's channels; messages and reactions are posted through REST and come
// back on the channel (to the sender too); typing goes over the socket;
// user_status and online_users tell presence; an @mention brings a
// mention_notification to the one named.
import { api, Socket, wsUrl } from '../net.js';

const CHANNEL = '6f1c2a4e-1b7d-4c3a-9e2f-000000000001';  // #general

export const meta = { title: 'pythia', hint: '#general; messages and reactions via REST, typing over the socket' };

export async function start(card, { me, other, port }) {
  const login = await api('POST', '/api/v1/auth/login', { body: { username: me, password: 'password' } });
  const token = login.access_token;
  const myId = login.user.id;
  const names = new Map([[myId, me]]);
  const nameOf = (id) => names.get(id) ?? id;
  let lastOtherMessage = null;
  let gotOnline;
  const online = new Promise((resolve) => { gotOnline = resolve; });

  const socket = new Socket(wsUrl(port, `/ws?token=${encodeURIComponent(token)}`), card, (f) => {
    switch (f.type) {
      case 'connection_established':
        socket.send({ type: 'get_online_users', channel_id: CHANNEL });
        break;
      case 'online_users':
        for (const id of f.users) if (id !== myId) card.presence(nameOf(id), true);
        gotOnline();
        break;
      case 'user_status':
        if (f.user_id !== myId) card.presence(nameOf(f.user_id), f.status === 'online');
        break;
      case 'new_message': {
        const m = f.data;
        names.set(m.userId, m.user.username);
        const mine = m.userId === myId;
        if (!mine) lastOtherMessage = m.id;
        card.message(m.user.username, m.content, { mine, id: m.id });
        break;
      }
      case 'typing_indicator':
        if (f.user_id !== myId) card.typing(nameOf(f.user_id), f.is_typing);
        break;
      case 'message_reaction':
        card.log('reaction', `${f.data.username} ${f.data.action === 'remove' ? 'removed' : 'reacted'} ${f.data.emoji} on ${f.message_id}`);
        break;
      case 'mention_notification':
        card.log('notification', `@mention from ${f.data.from_username}: ${f.data.content}`);
        break;
      case 'user_joined':
      case 'user_left':
        card.log('system', `${nameOf(f.user_id)} ${f.type === 'user_joined' ? 'joined' : 'left'} the channel`);
        break;
      case 'channel_joined':
      case 'pong':
        break;
      case 'error':
        card.log('error', `${f.error_code}: ${f.message}`);
        break;
      default:
        card.log('system', JSON.stringify(f));
    }
  });
  await socket.opened;
  await online;

  const post = (content) => api('POST', '/api/v1/messages/', { token, body: { channel_id: CHANNEL, content } });
  card.onSend(post);  // new_message comes back on the channel, to the sender too
  card.onTyping((isTyping) => socket.send({ type: 'typing_indicator', channel_id: CHANNEL, is_typing: isTyping }));
  card.extra('👍 react to last', () => {
    if (lastOtherMessage === null) throw new Error('no message from the other side yet');
    return api('POST', '/api/v1/messages/reactions', { token, body: { message_id: lastOtherMessage, emoji: '👍' } });
  }, { name: 'react' });
  card.extra(`mention @${other}`, () => post(`@${other} have a look`), { name: 'mention' });
  card.extra('who is online', () => socket.send({ type: 'get_online_users', channel_id: CHANNEL }), { name: 'online' });
}
