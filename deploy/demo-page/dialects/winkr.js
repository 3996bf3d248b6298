// winkr (seed 004): JWT as "Authorization: Bearer" for native clients; a
// browser cannot set that header on a WebSocket, so the demo config also takes
// ?token= ("token_sources": ["bearer", "query:token"]). Frames
// {"event": "noun:verb", "data": {…}}. Messages, reads and deletes are stored
// through the backend before the room sees them; the receiving page confirms
// delivery through REST (message:delivered to the sender); typing and
// user:online/offline are ephemeral.
import { api, Socket, wsUrl } from '../net.js';

const CONVERSATION = 'conv-ab';  // alice and bob

export const meta = { title: 'winkr', hint: `conversation ${CONVERSATION}; reads, deletes, delivery receipts` };

export async function start(card, { me, port }) {
  const login = await api('POST', '/api/v1/auth/login', { body: { username: me, password: 'password' } });
  const token = login.access_token;
  const myId = login.user.id;
  const rest = `/api/winkr/v1/conversations/${CONVERSATION}`;
  let lastOtherMessage = null;
  let lastMine = null;
  let gotJoined;
  const joined = new Promise((resolve) => { gotJoined = resolve; });

  const socket = new Socket(wsUrl(port, `/ws?token=${encodeURIComponent(token)}`), card, ({ event, data }) => {
    switch (event) {
      case 'connection:established':
        socket.send({ event: 'conversation:join', data: { conversation_id: CONVERSATION } });
        break;
      case 'conversation:joined':
        gotJoined();
        break;
      case 'message:new': {
        const m = data.message;
        const mine = m.sender_id === myId;
        if (mine) lastMine = m.id;
        else lastOtherMessage = m.id;
        card.message(data.sender?.username ?? m.sender_id, m.content, { mine, id: m.id });
        if (!mine) card.guard(() => api('POST', `${rest}/messages/${m.id}/delivered`, { token }));
        break;
      }
      case 'message:delivered':
        card.log('delivered', `delivered: ${data.message_id}`);
        break;
      case 'message:viewed':
        card.log('read', `seen: ${data.message_id}`);
        break;
      case 'message:deleted':
        card.markDeleted(data.message_id);
        card.log('deleted', `deleted: ${data.message_id}`);
        break;
      case 'typing:indicator':
        if (data.user_id !== myId) card.typing(data.username ?? data.user_id, data.is_typing);
        break;
      case 'user:online':
      case 'user:offline':
        if (data.user_id !== myId) card.presence(data.username ?? data.user_id, event === 'user:online');
        break;
      case 'conversation:unread':
        card.log('notification', `unread in ${data.conversation_id}: ${data.unread_count}`);
        break;
      case 'error':
        card.log('error', `${data.code}: ${data.message}`);
        break;
      case 'connection:closed':
        card.log('system', `closing: ${data.reason} (${data.code})`);
        break;
      default:
        card.log('system', JSON.stringify({ event, data }));
    }
  });
  await socket.opened;
  await joined;

  card.onSend((content) => socket.send({ event: 'message:send', data: { conversation_id: CONVERSATION, content, type: 'text' } }));
  card.onTyping((isTyping) => socket.send({ event: isTyping ? 'typing:start' : 'typing:stop', data: { conversation_id: CONVERSATION } }));
  card.extra('mark read', () => {
    if (lastOtherMessage === null) throw new Error('no message from the other side yet');
    socket.send({ event: 'message:read', data: { conversation_id: CONVERSATION, message_id: lastOtherMessage } });
  }, { name: 'read' });
  card.extra('delete my last', () => {
    if (lastMine === null) throw new Error('no message of mine yet');
    socket.send({ event: 'message:delete', data: { conversation_id: CONVERSATION, message_id: lastMine } });
  }, { name: 'delete' });
  card.extra('unread count', () => api('POST', `${rest}/unread`, { token }), { name: 'unread' });
}
