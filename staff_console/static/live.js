// Live updates of the console's pages over Server-Sent Events (staff_console/routes/live.py).
// The page names its stream in <body data-live="...">; the server sends HTML it rendered and escaped itself.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-live");
  if (!url || !window.EventSource) { return; }
  var stream = new EventSource(url);

  function data(event) { return JSON.parse(event.data); }

  stream.addEventListener("badge", function (event) {
    var badge = document.getElementById("unread");
    if (!badge) { return; }
    var count = data(event).unread;
    badge.textContent = count > 0 ? String(count) : "";
    badge.hidden = count === 0;
  });

  stream.addEventListener("message", function (event) {
    var item = data(event);
    var list = document.getElementById("messages");
    if (!list || document.getElementById("m-" + item.id)) { return; }
    var empty = document.getElementById("no-messages");
    if (empty) { empty.remove(); }
    list.insertAdjacentHTML("beforeend", item.html);
  });

  stream.addEventListener("delivery", function (event) {
    var item = data(event);
    var status = document.getElementById("d-" + item.message_id);
    if (!status) { return; }
    status.textContent = item.label;
    status.className = "delivery " + item.status;
  });

  stream.addEventListener("rows", function (event) {
    var item = data(event);
    var rows = document.getElementById("queue-rows");
    if (rows) { rows.innerHTML = item.html; }
    var count = document.getElementById("queue-count");
    if (count) { count.innerHTML = item.count; }
  });
})();
