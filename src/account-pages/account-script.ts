import { FU_AUTH_PREFIX } from '../fu-auth/fu-auth-router.js';

/**
 * The pages' script, served as a file of its own. It takes the token from the link, removes it
 * from the address bar (history, bookmarks, screenshots), and completes the flow through the
 * engine's own routes, `POST /fu_auth/reset-password` or `POST /fu_auth/verify`, showing the
 * answer in plain words. Nothing is sent before the person presses the button: mail scanners
 * that open links do not use up a token.
 */
export const ACCOUNT_SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.search).get('token') || '';
  if (location.search) history.replaceState(null, '', location.pathname);
  var kind = document.body.dataset.page;
  var form = document.getElementById('form');
  var status = document.getElementById('status');
  var MESSAGES = {
    RESET_PASSWORD_BAD_TOKEN: 'This link is invalid or has expired. Ask for a new one.',
    VERIFY_USER_BAD_TOKEN: 'This link is invalid or has expired. Ask for a new one.',
    VERIFY_USER_ALREADY_VERIFIED: 'This address is already confirmed.',
  };
  function show(text, outcome) {
    status.textContent = text;
    status.dataset.outcome = outcome;
  }
  function finish(text, outcome) {
    form.hidden = true;
    show(text, outcome);
  }
  if (!token) {
    finish('This link is incomplete: it carries no token. Open the link from the e-mail again.', 'error');
    return;
  }
  form.hidden = false;
  function post(path, body) {
    return fetch('${FU_AUTH_PREFIX}' + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().then(
        function (json) { return { status: res.status, detail: json && json.detail }; },
        function () { return { status: res.status, detail: undefined }; }
      );
    });
  }
  function request() {
    if (kind === 'reset-password') {
      var password = form.elements.password.value;
      if (password !== form.elements.confirm.value) {
        show('The two passwords differ.', 'error');
        return Promise.resolve();
      }
      return post('/reset-password', { token: token, password: password }).then(function (r) {
        if (r.status === 200) return finish('Your password has been changed. Log in with the new one.', 'done');
        if (r.detail && typeof r.detail === 'object' && r.detail.reason)
          return show(String(r.detail.reason), 'error');
        answer(r);
      });
    }
    return post('/verify', { token: token }).then(function (r) {
      if (r.status === 200) return finish('Your e-mail address is confirmed.', 'done');
      answer(r);
    });
  }
  function answer(r) {
    var known = typeof r.detail === 'string' && MESSAGES[r.detail];
    if (known) return finish(known, 'error');
    show('That did not work (HTTP ' + r.status + '). Try again later.', 'error');
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = form.querySelector('button');
    button.disabled = true;
    request()
      .catch(function () { show('The server could not be reached. Try again.', 'error'); })
      .then(function () { button.disabled = false; });
  });
})();
`;
