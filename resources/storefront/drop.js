// Drop day pages (issue 15): the countdown to a release, the small proof of work a browser
// solves before it joins a waiting room or enters a raffle, and the waiting room's polling.
// Served by rdk-sync itself (script-src 'self'): no third-party code, no CDN, no tracking.
// SHA-256 is written out here because crypto.subtle only exists in a secure context, and a
// shop reached over plain http (a LAN demo) must still let people in. Every page works
// without JavaScript too: the time is written out, and the waiting room refreshes itself.
(function (root) {
  "use strict";

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Int32Array(64);

  // One 64-byte block of `bytes` at `offset` into the state `h` (8 words, changed in place).
  function compress(h, bytes, offset) {
    var i, t1, t2, s0, s1;
    for (i = 0; i < 16; i++) {
      var o = offset + i * 4;
      W[i] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
    }
    for (i = 16; i < 64; i++) {
      var w15 = W[i - 15], w2 = W[i - 2];
      s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (i = 0; i < 64; i++) {
      s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
    h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
  }

  function asciiBytes(text) {
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
    return out;
  }

  // The state after every whole block of `prefix`, and the bytes left over: each nonce then
  // costs only the last block or two (a challenge is ~110 bytes).
  function midstate(prefix) {
    var h = INITIAL.slice(), whole = prefix.length - (prefix.length % 64);
    for (var o = 0; o < whole; o += 64) compress(h, prefix, o);
    return { h: h, rest: prefix.subarray(whole), length: prefix.length };
  }

  // SHA-256 of prefix + tail (`tail` ASCII text) from a midstate; the digest's 8 words.
  function finish(mid, tail) {
    var restLength = mid.rest.length + tail.length;
    var blocks = restLength + 9 <= 64 ? 1 : 2;
    var buffer = new Uint8Array(blocks * 64);
    buffer.set(mid.rest, 0);
    for (var i = 0; i < tail.length; i++) buffer[mid.rest.length + i] = tail.charCodeAt(i) & 0xff;
    buffer[restLength] = 0x80;
    var bits = (mid.length + tail.length) * 8;
    var end = blocks * 64;
    buffer[end - 4] = (bits >>> 24) & 0xff; buffer[end - 3] = (bits >>> 16) & 0xff;
    buffer[end - 2] = (bits >>> 8) & 0xff; buffer[end - 1] = bits & 0xff;
    buffer[end - 5] = Math.floor(bits / 4294967296) & 0xff;
    var h = mid.h.slice();
    compress(h, buffer, 0);
    if (blocks === 2) compress(h, buffer, 64);
    return h;
  }

  function hex(words) {
    var out = "";
    for (var i = 0; i < words.length; i++) out += ("00000000" + (words[i] >>> 0).toString(16)).slice(-8);
    return out;
  }

  // SHA-256 of an ASCII string, as lower-case hex.
  function sha256Hex(text) {
    var bytes = asciiBytes(text);
    var mid = midstate(bytes.subarray(0, bytes.length - (bytes.length % 64)));
    var tail = "";
    for (var i = bytes.length - (bytes.length % 64); i < bytes.length; i++) tail += String.fromCharCode(bytes[i]);
    return hex(finish(mid, tail));
  }

  function leadingZeroBits(words, bits) {
    for (var i = 0; i < 8 && bits > 0; i++) {
      var take = Math.min(32, bits);
      if (take === 32 ? words[i] !== 0 : (words[i] >>> (32 - take)) !== 0) return false;
      bits -= take;
    }
    return true;
  }

  // Looks for a decimal nonce with SHA-256(challenge + ":" + nonce) starting with `bits` zero
  // bits, `batch` tries at a time; `done(nonce)` when found. `progress(tries)` between batches
  // keeps the page responsive. Synchronous when `schedule` is not given (tests, tools).
  function solve(challenge, bits, done, progress, schedule) {
    var mid = midstate(asciiBytes(challenge + ":").subarray(0));
    var nonce = 0, batch = 20000;
    function step() {
      for (var end = nonce + batch; nonce < end; nonce++) {
        if (leadingZeroBits(finish(mid, String(nonce)), bits)) { done(String(nonce)); return true; }
      }
      if (progress) progress(nonce);
      return false;
    }
    if (!schedule) { while (!step()) {} return; }
    (function again() { if (!step()) schedule(again); })();
  }

  var api = { sha256Hex: sha256Hex, solve: solve };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  // ---- In the page ----

  var offsetMs = 0;   // the shop's clock minus this browser's

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function countdownText(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var days = Math.floor(s / 86400), hours = Math.floor((s % 86400) / 3600);
    var minutes = Math.floor((s % 3600) / 60), seconds = s % 60;
    return (days > 0 ? days + (days === 1 ? " day " : " days ") : "") + pad(hours) + ":" + pad(minutes) + ":" + pad(seconds);
  }

  function startCountdowns() {
    var nodes = document.querySelectorAll("[data-release-at]");
    if (!nodes.length) return;
    var loadedAt = Date.now();
    function tick() {
      var now = Date.now() + offsetMs;
      for (var i = 0; i < nodes.length; i++) {
        var at = Date.parse(nodes[i].getAttribute("data-release-at"));
        var left = at - now;
        var out = nodes[i].querySelector("[data-countdown]");
        if (out) out.textContent = countdownText(left);
        // At the release the server's page changes by itself; fetch it.
        if (left <= 0 && nodes[i].hasAttribute("data-reload-at-release")) {
          // A page that counts zero as soon as it loads was made just before the release:
          // ask again in a moment instead of at once, so no browser reloads in a tight loop.
          var wait = Date.now() - loadedAt < 1000 ? 1500 : 0;
          window.setTimeout(function () { window.location.reload(); }, wait);
          return;
        }
      }
      window.setTimeout(tick, 1000 - ((Date.now() + offsetMs) % 1000) + 5);
    }
    var serverNow = Date.parse(nodes[0].getAttribute("data-now") || "");
    if (!isNaN(serverNow)) offsetMs = serverNow - Date.now();
    tick();
  }

  // The proof of work before a form is sent: fetch a challenge, solve it, then submit.
  function guardForms() {
    var forms = document.querySelectorAll("form[data-challenge-url]");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        var status = form.querySelector("[data-pow-status]");
        var button = form.querySelector("button[type=submit]");
        form.addEventListener("submit", function (event) {
          if (form.getAttribute("data-solved") === "1") return;
          event.preventDefault();
          if (button) button.disabled = true;
          if (status) status.textContent = "Checking your browser\u2026";
          fetch(form.getAttribute("data-challenge-url"), { cache: "no-store", headers: { Accept: "application/json" } })
            .then(function (response) {
              return response.json().then(function (body) {
                if (!response.ok) throw new Error(body && body.error ? body.error.message : "Please try again.");
                return body;
              });
            })
            .then(function (body) {
              solve(body.challenge, body.bits, function (nonce) {
                form.querySelector("input[name=challenge]").value = body.challenge;
                form.querySelector("input[name=nonce]").value = nonce;
                form.setAttribute("data-solved", "1");
                if (status) status.textContent = "Done. Joining\u2026";
                form.submit();
              }, function (tries) {
                if (status) status.textContent = "Checking your browser\u2026 (" + Math.round(tries / 1000) + "k)";
              }, function (next) { window.setTimeout(next, 0); });
            })
            .catch(function (error) {
              if (status) status.textContent = error.message || "Please try again.";
              if (button) button.disabled = false;
            });
        });
      })(forms[i]);
    }
  }

  // As the server writes it (sync/storefront/droppages.cpp).
  function estimateText(seconds) {
    if (seconds < 0) return "not known yet";
    if (seconds < 60) return "under a minute";
    var minutes = Math.floor((seconds + 59) / 60);
    if (minutes < 90) return minutes === 1 ? "about a minute" : "about " + minutes + " minutes";
    var hours = Math.floor((minutes + 30) / 60);
    if (hours < 48) return "about " + hours + " hours";
    return "about " + Math.floor((hours + 12) / 24) + " days";
  }

  // The waiting room: asks for this shopper's place every 3 seconds; once admitted the page
  // is fetched again and shows the way to checkout.
  function pollQueue() {
    var room = document.querySelector("[data-queue-status-url]");
    if (!room) return;
    var url = room.getAttribute("data-queue-status-url");
    function set(name, value) {
      var node = room.querySelector("[data-queue-" + name + "]");
      if (node) node.textContent = value;
    }
    function again() { window.setTimeout(check, 3000); }
    function check() {
      fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (s) {
          if (!s) return again();
          if (s.now) offsetMs = Date.parse(s.now) - Date.now();
          if (s.admitted) { window.location.reload(); return; }
          set("position", String(s.position));
          set("ahead", String(s.ahead));
          set("estimate", estimateText(s.estimate_seconds));
          again();
        })
        .catch(again);
    }
    again();
  }

  startCountdowns();
  guardForms();
  pollQueue();
})(this);
