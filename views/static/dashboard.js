// While a backup runs, the dashboard checks every few seconds and reloads when it has finished.
(function () {
  if (!document.querySelector('[data-running]')) return;
  var timer = setInterval(function () {
    fetch('/dashboard/status.json', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        if (!s.running) {
          clearInterval(timer);
          location.reload();
        }
      })
      .catch(function () {
        /* try again on the next tick */
      });
  }, 3000);
})();
