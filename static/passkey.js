// Biometrics (WebAuthn passkeys): turning them on in Безопасность and logging in with them. The
// only feature that needs JavaScript; without it (or without WebAuthn) these controls stay hidden
// and the pages offer the PIN and the password.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  if (!lib || !window.PublicKeyCredential || !window.fetch) return;

  var cancelled = 'Биометрия не подтверждена. Попробуйте ещё раз или войдите по PIN-коду.';

  function post(url, fields) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(fields),
    }).then(function (response) {
      return response
        .json()
        .catch(function () { return {}; })
        .then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function show(box, message) {
    box.textContent = message;
    box.hidden = false;
  }

  function messageOf(answer) {
    return (answer.data && answer.data.error && answer.data.error.message) || 'Не удалось. Попробуйте ещё раз.';
  }

  var enrol = document.getElementById('passkey-enrol-form');
  if (enrol) {
    var note = document.getElementById('passkey-needs-js');
    if (note) note.hidden = true;
    enrol.hidden = false;
    enrol.addEventListener('submit', async function (event) {
      event.preventDefault();
      var errorBox = document.getElementById('passkey-error');
      errorBox.hidden = true;
      var csrf = enrol.querySelector('input[name="_csrf"]').value;
      var options = await post(enrol.action, { _csrf: csrf, passkeyPin: enrol.querySelector('#passkeyPin').value });
      if (!options.ok) return show(errorBox, messageOf(options));
      var attestation;
      try {
        attestation = await lib.startRegistration({ optionsJSON: options.data.options });
      } catch (error) {
        return show(errorBox, cancelled);
      }
      var done = await post(enrol.getAttribute('data-verify-url'), { _csrf: csrf, response: JSON.stringify(attestation) });
      if (!done.ok) return show(errorBox, messageOf(done));
      window.location.assign(done.data.redirect);
    });
  }

  var login = document.getElementById('passkey-login');
  if (login) {
    login.hidden = false;
    document.getElementById('passkey-login-button').addEventListener('click', async function () {
      var errorBox = document.getElementById('passkey-error');
      errorBox.hidden = true;
      var csrf = login.querySelector('input[name="_csrf"]').value;
      var options = await post(login.getAttribute('data-options-url'), { _csrf: csrf });
      if (!options.ok) return show(errorBox, messageOf(options));
      var assertion;
      try {
        assertion = await lib.startAuthentication({ optionsJSON: options.data.options });
      } catch (error) {
        return show(errorBox, cancelled);
      }
      var done = await post(login.getAttribute('data-login-url'), { _csrf: csrf, response: JSON.stringify(assertion) });
      if (!done.ok) return show(errorBox, messageOf(done));
      window.location.assign(done.data.redirect);
    });
  }
})();
