// Award pages: judge expiry with today's date in the browser. The build
// never reads the clock (same input, same output), so a page built before an
// award expired still tells the truth after it.
(function () {
  "use strict";
  var banner = document.getElementById("award-status");
  if (!banner) return;
  var until = banner.getAttribute("data-valid-until");
  if (!until || Date.now() < Date.parse(until + "T00:00:00Z")) return;
  banner.className = "status status-expired";
  banner.textContent = "";
  var mark = document.createElement("span");
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = "!";
  var word = document.createElement("strong");
  word.textContent = "Expired";
  var when = document.createElement("time");
  when.setAttribute("datetime", until);
  when.textContent = until;
  banner.append(mark, " ", word, " on ", when);
})();
