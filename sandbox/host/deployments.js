/*
 * The sandbox's Jira Deployments view: every deployment the fake Jira's Deployments API received
 * from the app, newest first, from GET /sandbox/state.
 */
(function () {
  'use strict';

  var rows = document.getElementById('deployment-rows');

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function render(state) {
    var deployments = state.jira.deployments.slice().sort(function (a, b) {
      return b.receivedAt.localeCompare(a.receivedAt) || b.deploymentSequenceNumber - a.deploymentSequenceNumber;
    });
    if (deployments.length === 0) {
      var empty = document.createElement('tr');
      var td = cell('No deployments yet: promote to staging and refresh the candidate on the Releases page.');
      td.colSpan = 7;
      empty.appendChild(td);
      rows.replaceChildren(empty);
      return;
    }
    rows.replaceChildren.apply(
      rows,
      deployments.map(function (d) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-environment', d.environmentType);
        tr.appendChild(cell(d.environmentId + ' (' + d.environmentType + ')'));
        var stateCell = cell('');
        var badge = document.createElement('span');
        badge.className = 'jv-badge jv-state-' + d.state;
        badge.textContent = d.state;
        stateCell.appendChild(badge);
        tr.appendChild(stateCell);
        tr.appendChild(cell(d.label || d.displayName));
        var issues = cell('');
        d.issueKeys.forEach(function (key, i) {
          if (i > 0) issues.appendChild(document.createTextNode(', '));
          var link = document.createElement('a');
          link.href = '/issue.html?key=' + encodeURIComponent(key);
          link.textContent = key;
          issues.appendChild(link);
        });
        tr.appendChild(issues);
        var pipeline = cell('');
        var run = document.createElement('a');
        run.href = d.url;
        run.target = '_blank';
        run.rel = 'noreferrer noopener';
        run.textContent = d.pipelineId;
        pipeline.appendChild(run);
        tr.appendChild(pipeline);
        tr.appendChild(cell(String(d.deploymentSequenceNumber)));
        tr.appendChild(cell(d.lastUpdated.replace('T', ' ').slice(0, 16) + ' UTC'));
        return tr;
      }),
    );
  }

  fetch('/sandbox/state')
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(render, function (error) {
      var message = document.getElementById('host-error');
      message.textContent =
        'The sandbox state could not be read (' + error.message + '). Is the sandbox server running?';
      message.hidden = false;
    });
})();
