// Award pages: tell the truth even when the page was built long ago.
//
// 1. Expiry: the build never reads the clock (same input, same output), so
//    the page compares data-valid-until (an RFC 3339 instant) with now, and
//    in the last 30 days says "expires in N days".
// 2. Revocation: the page fetches the issuer's signed status list and reads
//    this award's bit (W3C Bitstring Status List: "u" + base64url of GZIP
//    bits, index 0 = most significant bit of byte 0). A page cached before a
//    revocation therefore still shows it. This is a quick check of the bit,
//    not a verification of the list's signature: `rosette verify` and
//    standard verifiers do that.
(function () {
  "use strict";
  // Portfolio pages: each listed award that has expired says so.
  var listed = document.querySelectorAll ? document.querySelectorAll("[data-valid-until]") : [];
  Array.prototype.forEach.call(listed, function (item) {
    var state = item.querySelector(".award-state");
    if (state && Date.now() >= Date.parse(item.getAttribute("data-valid-until"))) {
      item.className = item.className.replace("status-valid", "status-expired");
      state.textContent = item.getAttribute("data-expired") || "Expired";
    }
  });

  var banner = document.getElementById("award-status");
  if (!banner) return;

  function show(kind, word, rest) {
    banner.className = "status status-" + kind;
    banner.textContent = "";
    var mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = kind === "revoked" ? "\u2715" : "!";
    var strong = document.createElement("strong");
    strong.textContent = word;
    banner.append(mark, " ", strong, rest);
  }

  var until = banner.getAttribute("data-valid-until");
  var end = until ? Date.parse(until) : NaN;
  if (end && Date.now() >= end) {
    show("expired", "Expired", " on " + until.slice(0, 10));
  } else if (end) {
    // In its last 30 days, say how many are left (rounded up: a credential
    // that expires in 2 hours "expires in 1 day"). The words come from the
    // page (data-expiring, "{n}" = the days) when it gives them.
    var days = Math.ceil((end - Date.now()) / 86400000);
    if (days <= 30) {
      var note = document.createElement("span");
      note.className = "expiring";
      var words = banner.getAttribute("data-expiring") || "expires in {n} days";
      note.textContent = " (" + words.replace("{n}", String(days)) + ")";
      banner.append(note);
    }
  }

  var list = banner.getAttribute("data-status-list");
  var index = Number(banner.getAttribute("data-status-index"));
  if (!list || !Number.isInteger(index) || typeof DecompressionStream === "undefined") return;
  fetch(list, { cache: "no-cache" })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (credential) {
      var encoded = credential.credentialSubject.encodedList;
      var base64 = encoded.slice(1).replace(/-/g, "+").replace(/_/g, "/");
      var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
      var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).arrayBuffer();
    })
    .then(function (buffer) {
      var bits = new Uint8Array(buffer);
      var byte = bits[Math.floor(index / 8)];
      if (byte !== undefined && (byte & (0x80 >> (index % 8))) !== 0) {
        show("revoked", "Revoked", ": the issuer's status list marks this credential as revoked.");
      }
    })
    .catch(function () { /* offline or blocked: the page keeps what the build knew */ });
})();
