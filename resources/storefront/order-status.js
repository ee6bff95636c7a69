// The checkout result page, while the payment is being confirmed: asks the shop for the
// order's status every half second for the first minute, then every 3 seconds up to ten
// minutes, and reloads the page as soon as the status changes (the reloaded page shows
// "Paid" and empties the cart). Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  var card = document.querySelector("[data-order-id]");
  if (!card || !window.fetch) return;
  var orderId = card.getAttribute("data-order-id");
  var shown = card.getAttribute("data-order-status");
  var started = Date.now();

  function later() {
    var age = Date.now() - started;
    if (age < 600000) window.setTimeout(check, age < 60000 ? 500 : 3000);
  }

  function check() {
    fetch("/api/orders/" + encodeURIComponent(orderId), { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (order) {
        if (order && order.status && order.status !== shown) window.location.reload();
        else later();
      })
      .catch(later);
  }

  later();
})();
