// Live example path on the settings page: asks the server to render the templates being typed.
(function () {
  var folder = document.getElementById('folderTemplate');
  var file = document.getElementById('fileTemplate');
  var zone = document.getElementById('timezone');
  var out = document.getElementById('example-path');
  var err = document.getElementById('example-error');
  if (!folder || !file || !out) return;
  var timer = null;
  function refresh() {
    var q = new URLSearchParams({
      folderTemplate: folder.value,
      fileTemplate: file.value,
      timezone: zone ? zone.value : 'UTC',
    });
    fetch('/settings/example-path?' + q.toString(), {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (data) {
        out.textContent = data.path || '';
        err.textContent = data.error || '';
      })
      .catch(function () {
        /* keep the last example */
      });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }
  folder.addEventListener('input', later);
  file.addEventListener('input', later);
  if (zone) zone.addEventListener('change', later);
})();
