/*
 * The sandbox's Jira issue view: the issue's fields, the "Releases" Jira shows from the Deployments
 * API (what the fake Jira received from the app), and the app's jira:issueContext module in an
 * iframe. The issue is ?key=OPS-11; the user is the one chosen on the main host page.
 */
(function () {
  'use strict';

  var ACCOUNT_KEY = 'krg-sandbox:account';
  var params = new URLSearchParams(window.location.search);
  var hostError = document.getElementById('host-error');

  function showError(message) {
    hostError.textContent = message;
    hostError.hidden = false;
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function getJson(path) {
    return fetch(path).then(function (response) {
      if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
      return response.json();
    });
  }

  function account(users) {
    var stored = null;
    try {
      stored = window.localStorage.getItem(ACCOUNT_KEY);
    } catch (error) {
      stored = null;
    }
    var user =
      users.find(function (u) {
        return u.accountId === stored;
      }) || users[0];
    try {
      window.localStorage.setItem(ACCOUNT_KEY, user.accountId);
    } catch (error) {
      showError('The browser refused local storage, which the sandbox needs to know who you are.');
    }
    return user;
  }

  function environmentLabel(deployment) {
    return deployment.environmentType + ': ' + deployment.state;
  }

  function render(state, user) {
    var issues = state.jira.issues;
    var key = params.get('key') || (issues[1] || issues[0]).key;
    var issue = issues.find(function (i) {
      return i.key === key;
    });
    if (!issue) return showError('No issue ' + key + ' in the sandbox.');
    document.title = key + ' - Operations - Jira (Kosli Release Gate sandbox)';
    document.getElementById('acting-as').textContent = 'Acting as ' + user.displayName;

    var list = document.getElementById('issue-list');
    list.replaceChildren.apply(
      list,
      issues.map(function (i) {
        var item = el('li');
        var link = el('a', i.key + ' ' + i.summary, 'sidebar-item');
        link.href = '/issue.html?key=' + encodeURIComponent(i.key);
        if (i.key === key) link.setAttribute('aria-current', 'page');
        item.appendChild(link);
        return item;
      }),
    );

    document.getElementById('issue-key').textContent = 'Operations / ' + issue.key;
    document.getElementById('issue-title').textContent = issue.summary;
    var versions = state.jira.versions
      .filter(function (v) {
        return issue.fixVersionIds.indexOf(v.id) !== -1;
      })
      .map(function (v) {
        return v.name + (v.released ? ' (released)' : '');
      });
    var fields = document.getElementById('issue-fields');
    [
      ['Status', issue.status],
      ['Type', issue.type],
      ['Fix versions', versions.length ? versions.join(', ') : 'None'],
    ].forEach(function (pair) {
      fields.appendChild(el('dt', pair[0]));
      fields.appendChild(el('dd', pair[1]));
    });

    // Jira's "Releases" field: the latest deployment per environment that names this issue.
    var latest = {};
    state.jira.deployments.forEach(function (d) {
      if (d.issueKeys.indexOf(issue.key) === -1) return;
      var current = latest[d.environmentId];
      if (!current || d.deploymentSequenceNumber > current.deploymentSequenceNumber) latest[d.environmentId] = d;
    });
    var rows = Object.keys(latest).map(function (environment) {
      var d = latest[environment];
      var item = el('li', null, 'jv-deployment jv-state-' + d.state);
      var link = el('a', environmentLabel(d));
      link.href = d.url;
      link.target = '_blank';
      link.rel = 'noreferrer noopener';
      item.appendChild(link);
      item.appendChild(el('span', ' ' + (d.label || '') + ' · ' + d.environmentId, 'jv-muted'));
      return item;
    });
    var deployments = document.getElementById('issue-deployments');
    if (rows.length === 0) rows = [el('li', 'No deployments reported for this issue.', 'jv-muted')];
    deployments.replaceChildren.apply(deployments, rows);

    var frame = document.getElementById('panel');
    frame.src =
      '/panel/index.html?module=issue-where-running&issue=' +
      encodeURIComponent(issue.key) +
      '&as=' +
      encodeURIComponent(user.accountId);
  }

  Promise.all([getJson('/sandbox/state'), getJson('/sandbox/users')]).then(
    function (results) {
      render(results[0], account(results[1]));
    },
    function (error) {
      showError('The sandbox could not be read (' + error.message + '). Is the sandbox server running?');
    },
  );
})();
