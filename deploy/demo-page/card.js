// One box on the page: one user on one app. The dialect modules (dialects/*.js)
// call these methods; nothing here knows a dialect. Every log line carries
// data-kind (message, sent, typing, reaction, read, delivered, deleted,
// notification, extra, system, error) so the browser test can find it.

const TYPING_SHOWN_MS = 6000;  // a typing indicator whose "stop" got lost fades anyway
const TYPING_IDLE_MS = 2500;   // no keystroke for this long sends "stopped typing"

export class Card {
  constructor(parent, { dialect, side, user, title }) {
    this.dialect = dialect;
    this.user = user;
    this.root = element('section', { class: 'card', 'data-dialect': dialect, 'data-side': side, 'data-state': 'connecting' });
    const header = element('header');
    header.append(element('h3', {}, title), element('span', { class: 'who' }, `as ${user}`));
    this.stateLabel = element('span', { class: 'state' }, 'connecting…');
    header.append(this.stateLabel);
    this.hintLine = element('p', { class: 'hint' });
    this.presenceLine = element('p', { class: 'presence' }, 'presence: –');
    this.logList = element('ol', { class: 'log', 'aria-live': 'polite' });
    this.typingLine = element('p', { class: 'typing' });
    this.form = element('form', { class: 'compose' });
    this.input = element('input', { name: 'text', placeholder: 'Message', autocomplete: 'off', disabled: '' });
    this.sendButton = element('button', { type: 'submit', disabled: '' }, 'Send');
    this.form.append(this.input, this.sendButton);
    this.extrasRow = element('div', { class: 'extras' });
    this.root.append(header, this.hintLine, this.presenceLine, this.logList, this.typingLine, this.form, this.extrasRow);
    parent.append(this.root);
    this.online = new Map();
    this.typingTimers = new Map();
  }

  // connecting | ready | closed | failed, with a short text.
  state(state, text) {
    this.root.dataset.state = state;
    this.stateLabel.textContent = text ?? state;
    const usable = state === 'ready';
    this.input.disabled = !usable;
    this.sendButton.disabled = !usable;
    for (const b of this.extrasRow.querySelectorAll('button')) b.disabled = !usable;
  }

  hint(text) { this.hintLine.textContent = text; }

  log(kind, text, { mine = false, id } = {}) {
    const li = element('li', { 'data-kind': kind }, text);
    if (mine) li.classList.add('mine');
    if (id !== undefined) li.dataset.id = String(id);
    this.logList.append(li);
    this.logList.scrollTop = this.logList.scrollHeight;
    return li;
  }

  message(from, text, { mine = false, id } = {}) {
    this.typing(from, false);
    return this.log(mine ? 'sent' : 'message', mine ? text : `${from}: ${text}`, { mine, id });
  }

  markDeleted(id) {
    for (const li of this.logList.querySelectorAll(`li[data-id="${CSS.escape(String(id))}"]`)) li.classList.add('deleted');
  }

  // Presence as the dialect tells it: who is online.
  presence(user, online) {
    this.online.set(user, online);
    this.presenceLine.replaceChildren('presence: ');
    for (const [name, on] of this.online) {
      this.presenceLine.append(element('span', { class: on ? 'online' : 'offline', 'data-user': name },
        `${name} ${on ? 'online' : 'offline'}`), ' ');
    }
  }

  presenceNote(text) { this.presenceLine.textContent = text; }

  typing(user, isTyping) {
    clearTimeout(this.typingTimers.get(user));
    this.typingTimers.delete(user);
    if (isTyping) this.typingTimers.set(user, setTimeout(() => this.typing(user, false), TYPING_SHOWN_MS));
    const who = [...this.typingTimers.keys()];
    this.typingLine.textContent = who.length ? `${who.join(', ')} ${who.length > 1 ? 'are' : 'is'} typing…` : '';
    this.typingLine.dataset.users = who.join(' ');
  }

  // send(text) runs on submit; its error, if any, is logged.
  onSend(send) {
    this.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      this.stopTyping();
      await this.guard(() => send(text));
    });
  }

  // typing(true) on the first keystroke, typing(false) after a pause or a send.
  onTyping(typing) {
    this.typingSender = typing;
    this.input.addEventListener('input', () => {
      if (!this.input.value) return this.stopTyping();
      if (!this.typingSent) this.guard(() => typing(true));
      this.typingSent = true;
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    });
  }

  stopTyping() {
    clearTimeout(this.idleTimer);
    if (this.typingSent && this.typingSender) this.guard(() => this.typingSender(false));
    this.typingSent = false;
  }

  extra(label, run, { name } = {}) {
    const b = element('button', { type: 'button', 'data-extra': name ?? label, disabled: '' }, label);
    b.addEventListener('click', () => this.guard(run));
    this.extrasRow.append(b);
  }

  async guard(fn) {
    try {
      await fn();
    } catch (e) {
      this.log('error', e.message ?? String(e));
    }
  }
}

export function element(tag, attributes = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
