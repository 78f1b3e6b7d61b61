/*
 * Sandbox bridge shim: stands in for the Forge host inside the panel's iframe, so the unmodified
 * @forge/bridge of the built panel works offline. The sandbox server serves this file at
 * /panel/bridge-shim.js and injects it into the panel's index.html before the app's script
 * (injectBridgeShim in ./index.ts). @forge/bridge reads `window.__bridge.callBridge(command, args)`.
 *
 * The protocol (commands, arguments, the FullContext shape) is ./bridge-protocol.ts, shared with the
 * panel's test fake; the sandbox serves it compiled in front of this file, which is only the host:
 *   invoke          → POST /sandbox/invoke { accountId, key: functionKey, payload, moduleKey }
 *                     and resolves with the resolver's JSON (the Result envelope), as Forge does.
 *   getContext      moduleKey from the iframe URL query ?module=release-gate|release-gate-settings;
 *                     accountId = the user picked in the host page's switcher;
 *                     project { id: '10000', key: 'OPS', type: 'software' } on the project page.
 *   createHistory   a history v4 object kept in the iframe's location hash: #/release/10001.
 *   enableTheming   loads /host/tokens.css and sets data-color-mode from the host's light/dark
 *                     toggle, following later toggles.
 *   navigate        { url, type } handed to the host page ({ type: 'krg-sandbox:open', url, target }),
 *                     which asks before leaving as Jira does. The panel cannot open it itself: like
 *                     Forge's, its iframe is sandboxed without allow-popups.
 *   reload          reloads the panel.
 * Any other command rejects with an error naming it, so a missing piece shows up at once.
 *
 * Messages to the host page (window.parent, same origin):
 *   { type: 'krg-sandbox:route', moduleKey, path }  after every in-app navigation.
 *   { type: 'krg-sandbox:open', url, target }       router.open ('new-tab') / router.navigate ('same-tab').
 * Messages from the host page:
 *   { type: 'krg-sandbox:theme', colorMode: 'light' | 'dark' }
 */
(function () {
  'use strict';

  var ACCOUNT_KEY = 'krg-sandbox:account';
  var THEME_KEY = 'krg-sandbox:theme';
  var PROJECT = { id: '10000', key: 'OPS', type: 'software' };
  var moduleKey = new URLSearchParams(window.location.search).get('module') || 'release-gate';
  // The issue view (issue.html) opens the issue-context module on ?issue=<key>.
  var issueKey = new URLSearchParams(window.location.search).get('issue');
  var themingEnabled = false;

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function accountId() {
    var id = stored(ACCOUNT_KEY);
    if (!id) throw new Error('No sandbox user is selected: pick one in the user switcher at the top of the page.');
    return id;
  }

  function colorMode() {
    return stored(THEME_KEY) === 'dark' ? 'dark' : 'light';
  }

  function tellHost(message) {
    if (window.parent !== window) window.parent.postMessage(message, window.location.origin);
  }

  async function invoke(key, payload) {
    var response = await fetch('/sandbox/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: accountId(), key: key, payload: payload, moduleKey: moduleKey }),
    });
    var text = await response.text();
    var body;
    try {
      body = JSON.parse(text);
    } catch (error) {
      body = undefined;
    }
    // A resolver's refusal is still an answer ({ ok: false, error }), whatever the HTTP status.
    if (body && typeof body === 'object' && typeof body.ok === 'boolean') return body;
    throw new Error('Sandbox invoke of "' + key + '" failed: HTTP ' + response.status + ' ' + text.slice(0, 200));
  }

  function context() {
    var issuePage = moduleKey === 'issue-where-running';
    return {
      accountId: accountId(),
      moduleKey: moduleKey,
      siteUrl: window.location.origin,
      cloudId: 'sandbox-cloud',
      environmentId: 'sandbox',
      localId: 'ari:cloud:ecosystem::extension/kosli-release-gate/sandbox/static/' + moduleKey,
      colorMode: colorMode(),
      project: issuePage || moduleKey === 'release-gate' ? PROJECT : null,
      issue: issuePage ? { id: '0', key: issueKey, type: 'Story' } : null,
    };
  }

  // History kept in the iframe's hash, with the surface of history v4 that Forge hands out.
  var pendingAction = null;
  var listeners = [];
  var keyCounter = 0;

  function hashPath() {
    var raw = window.location.hash.replace(/^#/, '');
    return raw.charAt(0) === '/' ? raw : '/' + raw;
  }

  function toPath(to) {
    if (typeof to === 'string') return to.charAt(0) === '/' ? to : '/' + to;
    return (to.pathname || '/') + (to.search || '') + (to.hash || '');
  }

  function currentLocation(state) {
    var path = hashPath();
    var query = path.indexOf('?');
    keyCounter += 1;
    return {
      pathname: query === -1 ? path : path.slice(0, query),
      search: query === -1 ? '' : path.slice(query),
      hash: '',
      state: state,
      key: 'k' + keyCounter,
    };
  }

  var history = {
    action: 'POP',
    location: currentLocation(undefined),
    get length() {
      return window.history.length;
    },
    push: function (to) {
      pendingAction = 'PUSH';
      window.location.hash = toPath(to);
    },
    replace: function (to) {
      pendingAction = 'REPLACE';
      window.location.replace('#' + toPath(to));
    },
    go: function (delta) {
      window.history.go(delta);
    },
    goBack: function () {
      window.history.back();
    },
    goForward: function () {
      window.history.forward();
    },
    listen: function (listener) {
      listeners.push(listener);
      return function () {
        listeners = listeners.filter(function (other) {
          return other !== listener;
        });
      };
    },
    block: function () {
      return function () {};
    },
    createHref: function (location) {
      return '#' + toPath(location);
    },
  };

  window.addEventListener('hashchange', function () {
    history.action = pendingAction || 'POP';
    pendingAction = null;
    history.location = currentLocation(undefined);
    listeners.slice().forEach(function (listener) {
      listener(history.location, history.action);
    });
    tellHost({ type: 'krg-sandbox:route', moduleKey: moduleKey, path: history.location.pathname });
  });

  function applyTheme(mode) {
    document.documentElement.setAttribute('data-color-mode', mode);
    document.documentElement.setAttribute('data-theme', 'dark:dark light:light');
  }

  function enableTheming() {
    if (!themingEnabled) {
      themingEnabled = true;
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/host/tokens.css';
      document.head.appendChild(link);
    }
    applyTheme(colorMode());
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || !event.data || event.data.type !== 'krg-sandbox:theme') return;
    if (themingEnabled) applyTheme(event.data.colorMode === 'dark' ? 'dark' : 'light');
  });

  function navigate(args) {
    if (!args || typeof args.url !== 'string') {
      throw new Error('The sandbox bridge opens URLs only, not Jira targets like ' + JSON.stringify(args));
    }
    if (window.parent === window)
      throw new Error('router.open needs the host page: open the sandbox at / rather than the panel alone.');
    tellHost({ type: 'krg-sandbox:open', url: args.url, target: args.type === 'same-tab' ? 'same-tab' : 'new-tab' });
  }

  // createForgeBridge comes from ./bridge-protocol.ts, compiled in front of this file when served.
  window.__bridge = createForgeBridge({
    name: 'The sandbox bridge (sandbox/host/bridge-shim.js)',
    invoke: invoke,
    context: context,
    history: function () {
      return history;
    },
    enableTheming: enableTheming,
    navigate: navigate,
    reload: function () {
      window.location.reload();
    },
  });

  tellHost({ type: 'krg-sandbox:route', moduleKey: moduleKey, path: history.location.pathname });
})();
