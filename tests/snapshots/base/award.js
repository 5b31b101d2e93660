// Award pages: tell the truth even when the page was built long ago.
//
// 1. Expiry: the build never reads the clock (same input, same output), so
//    the page compares data-valid-until (an RFC 3339 instant) with now.
// 2. Revocation: the page fetches the issuer's signed status list and reads
//    this award's bit (W3C Bitstring Status List: "u" + base64url of GZIP
//    bits, index 0 = most significant bit of byte 0). A page cached before a
//    revocation therefore still shows it. This is a quick check of the bit,
//    not a verification of the list's signature: `rosette verify` and
//    standard verifiers do that.
(function () {
  "use strict";
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
  if (until && Date.now() >= Date.parse(until)) {
    show("expired", "Expired", " on " + until.slice(0, 10));
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
