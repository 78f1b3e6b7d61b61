/*
 * The sandbox's Jira-like page: user switcher, light/dark toggle, and the app's iframe.
 * The current user and theme live in localStorage (same origin as the iframe), where the bridge shim
 * (bridge-shim.js) reads them. External links the app opens (router.open) arrive here and are shown
 * in a "leaving" dialog first, as Jira asks before leaving. The host URL mirrors the app's route: #/<module key><app path>, e.g.
 * #/release-gate/release/10001 or #/release-gate-settings/, so a page can be reloaded or linked.
 */
(function () {
  'use strict';

  var ACCOUNT_KEY = 'krg-sandbox:account';
  var THEME_KEY = 'krg-sandbox:theme';
  var MODULES = ['release-gate', 'release-gate-settings'];

  var frame = document.getElementById('panel');
  var select = document.getElementById('user-select');
  var avatar = document.getElementById('user-avatar');
  var toggle = document.getElementById('theme-toggle');
  var breadcrumbs = document.getElementById('breadcrumbs');
  var hostError = document.getElementById('host-error');
  var leaveDialog = document.getElementById('leave-dialog');
  var leaveUrl = document.getElementById('leave-url');
  var pendingOpen = null;

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      showError('The browser refused local storage, which the sandbox needs for the user switcher.');
    }
  }

  function showError(message) {
    hostError.textContent = message;
    hostError.hidden = false;
  }

  // Theme

  function colorMode() {
    return stored(THEME_KEY) === 'dark' ? 'dark' : 'light';
  }

  function applyTheme() {
    var mode = colorMode();
    document.documentElement.setAttribute('data-color-mode', mode);
    toggle.setAttribute('aria-pressed', String(mode === 'dark'));
    toggle.textContent = mode === 'dark' ? 'Light theme' : 'Dark theme';
    if (frame.contentWindow)
      frame.contentWindow.postMessage({ type: 'krg-sandbox:theme', colorMode: mode }, window.location.origin);
  }

  toggle.addEventListener('click', function () {
    store(THEME_KEY, colorMode() === 'dark' ? 'light' : 'dark');
    applyTheme();
  });

  // Route: #/<module><path>

  function parseHash() {
    var match = /^#\/([a-z-]+)(\/.*)?$/.exec(window.location.hash);
    var moduleKey = match && MODULES.indexOf(match[1]) !== -1 ? match[1] : MODULES[0];
    var path = (match && match[2]) || '/';
    return { moduleKey: moduleKey, path: path };
  }

  function crumbsFor(route) {
    if (route.moduleKey === 'release-gate-settings') return ['Jira settings', 'Apps', 'Kosli Release Gate'];
    var crumbs = ['Projects', 'Operations', 'Releases'];
    var release = /^\/release\/([^/]+)$/.exec(route.path);
    if (release) crumbs.push('Release ' + decodeURIComponent(release[1]));
    if (route.path === '/compliance') crumbs.push('Compliance report');
    return crumbs;
  }

  function showRoute(route) {
    breadcrumbs.replaceChildren.apply(
      breadcrumbs,
      crumbsFor(route).map(function (text) {
        var item = document.createElement('li');
        item.textContent = text;
        return item;
      }),
    );
    document.querySelectorAll('a[data-module]').forEach(function (link) {
      if (link.getAttribute('data-module') === route.moduleKey) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
  }

  var shown = null;

  function loadFrame(route, force) {
    showRoute(route);
    if (!force && shown && shown.moduleKey === route.moduleKey && shown.path === route.path) return;
    shown = route;
    // Same module and user: only the hash changes, and the app follows it without reloading. The
    // user is in the query so that switching users loads the app afresh, as a new Forge context.
    frame.src =
      '/panel/index.html?module=' +
      encodeURIComponent(route.moduleKey) +
      '&as=' +
      encodeURIComponent(stored(ACCOUNT_KEY) || '') +
      '#' +
      route.path;
  }

  window.addEventListener('hashchange', function () {
    loadFrame(parseHash(), false);
  });

  // External links: router.open / router.navigate from the app, handed over by the bridge shim.

  function askToOpen(url, target) {
    var parsed;
    try {
      parsed = new URL(url);
    } catch (error) {
      showError('The app asked to open an address that is not a URL: ' + url);
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      showError('The app asked to open a ' + parsed.protocol + ' address, which the host refuses: ' + url);
      return;
    }
    pendingOpen = { url: parsed.href, target: target };
    leaveUrl.textContent = parsed.href;
    leaveDialog.showModal();
  }

  leaveDialog.addEventListener('close', function () {
    var chosen = pendingOpen;
    pendingOpen = null;
    if (!chosen || leaveDialog.returnValue !== 'open') return;
    if (chosen.target === 'same-tab') window.location.assign(chosen.url);
    else window.open(chosen.url, '_blank', 'noopener,noreferrer');
  });

  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.type === 'krg-sandbox:open' && typeof data.url === 'string') {
      askToOpen(data.url, data.target === 'same-tab' ? 'same-tab' : 'new-tab');
      return;
    }
    if (
      !data ||
      data.type !== 'krg-sandbox:route' ||
      MODULES.indexOf(data.moduleKey) === -1 ||
      typeof data.path !== 'string'
    )
      return;
    shown = { moduleKey: data.moduleKey, path: data.path };
    window.history.replaceState(null, '', '#/' + data.moduleKey + data.path);
    showRoute(shown);
  });

  // Users

  function initials(name) {
    return name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map(function (part) {
        return part.charAt(0).toUpperCase();
      })
      .join('');
  }

  function isUser(value) {
    return (
      value &&
      typeof value.accountId === 'string' &&
      typeof value.displayName === 'string' &&
      typeof value.role === 'string'
    );
  }

  function selectUser(users, accountId) {
    var user =
      users.find(function (candidate) {
        return candidate.accountId === accountId;
      }) || users[0];
    store(ACCOUNT_KEY, user.accountId);
    select.value = user.accountId;
    avatar.textContent = initials(user.displayName);
    return user;
  }

  function loadUsers() {
    return fetch('/sandbox/users')
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (users) {
        if (!Array.isArray(users) || users.length === 0 || !users.every(isUser))
          throw new Error('expected [{ accountId, displayName, role }]');
        select.replaceChildren.apply(
          select,
          users.map(function (user) {
            var option = document.createElement('option');
            option.value = user.accountId;
            option.textContent = user.displayName + ' (' + user.role + ')';
            return option;
          }),
        );
        selectUser(users, stored(ACCOUNT_KEY));
        select.addEventListener('change', function () {
          selectUser(users, select.value);
          // A different user is a different Forge context: reload the app as that user.
          loadFrame(shown || parseHash(), true);
        });
      });
  }

  applyTheme();
  loadUsers().then(
    function () {
      loadFrame(parseHash(), true);
    },
    function (error) {
      select.replaceChildren();
      showError(
        'The sandbox users could not be loaded (GET /sandbox/users: ' +
          error.message +
          '). Is the sandbox server running?',
      );
    },
  );
})();
