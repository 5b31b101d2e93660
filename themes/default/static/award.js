// Award and badge pages of the default theme.
//
// 1. Status. The build never reads the clock (same input, same output), so
//    the page states dates and this script judges them: it compares
//    data-until with now (in the last 30 days it says how many are left),
//    and reads this award's bit in the issuer's status
//    list (W3C Bitstring Status List: "u" + base64url of GZIP, index 0 = the
//    most significant bit of byte 0). It says "Valid" only when it could
//    read both; a page cached before a revocation still shows it. It is a
//    quick check of the bit, not of the list's signature: "Verify this
//    badge" (verify/) checks everything.
// 2. What the learner takes away: a download of the badge image with the
//    credential baked in (made here, from the site's files, exactly as
//    `rosette bake` makes it: see bake() below), copy link, LinkedIn details
//    to copy, a wallet QR code of the credential's address, and a printable
//    certificate (print styles in style.css).
// 3. Badge pages and portfolios (earners/<handle>/): each listed award that
//    has expired is marked.
//
// Strings come from strings.js (the theme's strings/<language>.toml).
(function () {
  "use strict";
  var S = window.rosetteStrings || {};

  function t(key, values) {
    var text = S[key] || key;
    return text.replace(/\{([a-z_]+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  // A day as the pages write it (strings.toml `date`), in UTC as the build does.
  function day(at) {
    var d = new Date(at);
    var months = S.months || [];
    return t("date", {
      day: String(d.getUTCDate()),
      month: months[d.getUTCMonth()] || String(d.getUTCMonth() + 1),
      year: String(d.getUTCFullYear())
    });
  }

  function el(name, attrs, children) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  // ------------------------------------------------------------ badge pages, portfolios
  document.querySelectorAll("li[data-until]").forEach(function (li) {
    if (Date.now() < Date.parse(li.getAttribute("data-until"))) return;
    li.classList.add("expired");
    li.append(" ", el("strong", { "class": "expired-mark", text: "(" + t("earner_expired") + ")" }));
  });

  var article = document.getElementById("award");
  if (!article) return;
  var banner = document.getElementById("status");
  var revokedByBuild = article.classList.contains("revoked");

  function show(kind, word, detail) {
    banner.className = "status status-" + kind;
    banner.textContent = "";
    var mark = el("span", { "aria-hidden": "true", text: kind === "valid" ? "\u2713" : kind === "revoked" ? "\u2715" : "!" });
    banner.append(mark, " ", el("strong", { text: word }), ": " + detail);
    if (kind !== "expired" && kind !== "revoked") noteExpiring();
    var certStatus = document.getElementById("cert-status");
    if (certStatus) certStatus.textContent = word + ": " + detail;
  }

  // In its last 30 days, how many are left (rounded up: a credential that
  // expires in 2 hours "expires in 1 day").
  function noteExpiring() {
    if (!until) return;
    var days = Math.ceil((Date.parse(until) - Date.now()) / 86400000);
    if (!(days > 0 && days <= 30)) return;
    var words = t(days === 1 ? "expires_in_one" : "expires_in_other", { n: String(days) });
    banner.append(" ", el("span", { "class": "expiring", text: "(" + words + ")" }));
  }

  function revoke() {
    article.classList.add("revoked");
    var keep = document.querySelector(".keep");
    if (keep) keep.remove();
    show("revoked", t("revoked"), t("revoked_detail"));
  }

  // ------------------------------------------------------------ status
  function readBit(list, index) {
    return fetch(list, { cache: "no-cache" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (credential) {
        var encoded = credential.credentialSubject.encodedList;
        var base64 = encoded.slice(1).replace(/-/g, "+").replace(/_/g, "/");
        var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
        var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer();
      })
      .then(function (buffer) {
        var byte = new Uint8Array(buffer)[Math.floor(index / 8)];
        if (byte === undefined) throw new Error("index outside the list");
        return (byte & (0x80 >> (index % 8))) !== 0;
      });
  }

  var until = article.getAttribute("data-until");
  var list = article.getAttribute("data-list");
  var index = Number(article.getAttribute("data-index"));
  if (!revokedByBuild) {
    var expired = until && Date.now() >= Date.parse(until);
    if (expired) {
      show("expired", t("expired"), t("expired_detail", { date: day(until) }));
    } else if (list && Number.isInteger(index) && typeof DecompressionStream !== "undefined") {
      noteExpiring();
      readBit(list, index).then(function (revoked) {
        if (revoked) revoke();
        else show("valid", t("valid"), t("valid_detail", { date: day(Date.now()) }));
      }).catch(function () {
        show("unknown", t("not_expired"), t("not_expired_detail"));
      });
    } else {
      noteExpiring();
    }
  }

  var actions = document.getElementById("actions");
  if (!actions) return;
  var credentialLink = article.querySelector('.files a[href$="credential.json"]');
  var assertionLink = article.querySelector('.files a[href$="assertion.json"]');
  var canonical = document.querySelector('link[rel="canonical"]');
  var pageUrl = canonical ? canonical.href : location.href;
  var credentialUrl = credentialLink ? new URL(credentialLink.getAttribute("href"), pageUrl).href : null;
  var image = article.querySelector(".badge-img");
  var title = document.getElementById("title");

  function copy(text, button) {
    var done = function () {
      var was = button.textContent;
      button.textContent = t("copied");
      setTimeout(function () { button.textContent = was; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = el("textarea", { "aria-hidden": "true", "class": "offscreen" });
    area.value = text;
    document.body.append(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    area.remove();
  }

  function button(label, onclick, attrs) {
    var b = el("button", Object.assign({ type: "button", "class": "btn", text: label }, attrs || {}));
    b.addEventListener("click", onclick);
    return b;
  }

  // ------------------------------------------------------------ download
  if (credentialLink && image) {
    var status = el("span", { "class": "muted", role: "status" });
    var download = button(t("download"), function () {
      status.textContent = "";
      var fetchBytes = function (u) {
        return fetch(u).then(function (r) { return r.ok ? r.arrayBuffer() : Promise.reject(new Error(u + ": HTTP " + r.status)); });
      };
      var fetchText = function (u) {
        return fetch(u).then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(u + ": HTTP " + r.status)); });
      };
      Promise.all([
        fetchBytes(image.getAttribute("src")),
        fetchText(credentialLink.getAttribute("href")),
        assertionLink ? fetchText(assertionLink.getAttribute("href")) : Promise.resolve(null)
      ]).then(function (parts) {
        var baked = bake(new Uint8Array(parts[0]), parts[1], parts[2]);
        var slug = image.getAttribute("src").split("/").slice(-2, -1)[0] || "badge";
        var id = pageUrl.replace(/\/$/, "").split("/").pop();
        var name = slug + "-" + id + "." + baked.extension;
        var url = URL.createObjectURL(new Blob([baked.bytes], { type: baked.type }));
        var a = el("a", { href: url, download: name });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      }).catch(function (error) {
        status.textContent = t("download_failed", { error: error.message || String(error) });
      });
    }, { id: "download" });
    actions.prepend(el("li", {}, [download, " ", status]));
  }

  // ------------------------------------------------------------ copy link, print
  var copyLink = button(t("copy_link"), function () { copy(pageUrl, copyLink); }, { id: "copy-link" });
  actions.append(el("li", {}, [copyLink]));
  actions.append(el("li", {}, [button(t("print"), function () { window.print(); }, { id: "print" })]));

  // ------------------------------------------------------------ LinkedIn details
  var linkedin = actions.querySelector('a[href^="https://www.linkedin.com/profile/add"]');
  var keep = actions.parentNode;
  if (linkedin) {
    var q = new URL(linkedin.href).searchParams;
    var months = S.months || [];
    var month = function (y, m) { return y ? (months[Number(m) - 1] || m) + " " + y : null; };
    var issuer = article.querySelector(".facts dd a");
    var fields = [
      [t("field_name"), q.get("name")],
      [t("field_organization"), issuer ? issuer.textContent : q.get("organizationName")],
      [t("field_issued"), month(q.get("issueYear"), q.get("issueMonth"))],
      [t("field_expires"), month(q.get("expirationYear"), q.get("expirationMonth"))],
      [t("field_url"), q.get("certUrl")],
      [t("field_id"), q.get("certId")]
    ];
    var dl = el("dl", { "class": "facts copy-fields" });
    fields.forEach(function (f) {
      if (!f[1]) return;
      var c = button(t("copy"), function () { copy(f[1], c); }, { "class": "btn-small", "aria-label": t("copy") + ": " + f[0] });
      dl.append(el("dt", { text: f[0] }), el("dd", {}, [el("span", { text: f[1] }), " ", c]));
    });
    keep.append(el("details", { "class": "linkedin-fields" }, [el("summary", { text: t("linkedin_fields") }), dl]));
  }

  // ------------------------------------------------------------ QR codes
  // An SVG QR code (qrcode-generator, vendor/qrcode.js), 4 modules of quiet zone.
  function qr(text, label) {
    if (typeof qrcode !== "function") return null;
    var code = qrcode(0, "M");
    code.addData(text);
    code.make();
    var n = code.getModuleCount();
    var d = "";
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        if (code.isDark(r, c)) d += "M" + (c + 4) + " " + (r + 4) + "h1v1h-1z";
      }
    }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + (n + 8) + " " + (n + 8));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("class", "qr");
    svg.setAttribute("shape-rendering", "crispEdges");
    var bg = document.createElementNS(ns, "rect");
    bg.setAttribute("width", String(n + 8));
    bg.setAttribute("height", String(n + 8));
    bg.setAttribute("fill", "#fff");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "#000");
    svg.append(bg, path);
    return svg;
  }

  // ------------------------------------------------------------ wallet
  if (credentialUrl) {
    var code = qr(credentialUrl, t("wallet_qr"));
    var copyUrl = button(t("copy"), function () { copyUrl && copy(credentialUrl, copyUrl); }, { "class": "btn-small", "aria-label": t("copy") + ": " + t("field_url") });
    var wallet = el("div", { "class": "wallet", id: "wallet" }, [
      el("h3", { text: t("wallet") }),
      el("p", { text: t("wallet_text") })
    ]);
    if (code) wallet.append(code);
    wallet.append(el("p", {}, [el("code", { text: credentialUrl }), " ", copyUrl]));
    keep.append(wallet);
  }

  // ------------------------------------------------------------ certificate
  // Printed instead of the page (style.css, @media print): one landscape page.
  (function certificate() {
    var facts = article.querySelectorAll(".facts dd");
    var issuerName = facts[0] ? facts[0].textContent : "";
    var badgeLink = title.querySelector("a");
    var who = title.querySelector("bdi");
    var cert = el("div", { "class": "certificate", id: "certificate", "aria-hidden": "true" });
    cert.append(el("p", { "class": "cert-kicker", text: t("cert_heading") }));
    if (image) cert.append(el("img", { src: image.getAttribute("src"), alt: "", "class": "cert-image" }));
    cert.append(el("p", { "class": "cert-badge", text: badgeLink ? badgeLink.textContent : "" }));
    cert.append(el("p", { "class": "cert-to", text: t("cert_awarded") }));
    cert.append(el("p", { "class": "cert-name" }, [el("bdi", { text: who ? who.textContent : "" })]));
    var issued = article.querySelector(".facts time");
    cert.append(el("p", { text: t("cert_issued", { issuer: issuerName, date: issued ? issued.textContent : "" }) }));
    if (until) cert.append(el("p", { text: t("cert_expires", { date: day(until) }) }));
    cert.append(el("p", { id: "cert-status", "class": "cert-status", text: banner.textContent }));
    var foot = el("div", { "class": "cert-foot" });
    var pageCode = qr(pageUrl, t("cert_qr"));
    if (pageCode) foot.append(pageCode);
    foot.append(el("p", {}, [t("cert_check") + " ", el("span", { "class": "cert-url", text: pageUrl.replace(/^https?:\/\//, "") })]));
    cert.append(foot);
    article.append(cert);
  })();

  // ------------------------------------------------------------ baking
  // The same bytes as `rosette bake` (src/credential/bake.rs): PNG iTXt
  // chunks `openbadgecredential` and `openbadges` before IEND (uncompressed,
  // CRC-32), or SVG <openbadges:credential> and <openbadges:assertion>; in
  // the baked JSON, "{" and "}" inside strings are written \u007b and
  // \u007d (wallets find the JSON by counting braces) and the ">" of "]]>"
  // \u003e (CDATA).
  function bakedText(json, what) {
    var text = json.replace(/^\uFEFF/, "").replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, "");
    var value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error("the " + what + " is not a JSON object");
    }
    var out = "", inString = false, escaped = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        else if (c === "{") { out += "\\u007b"; continue; }
        else if (c === "}") { out += "\\u007d"; continue; }
        else if (c === ">" && out.slice(-2) === "]]") { out += "\\u003e"; continue; }
      } else if (c === '"') inString = true;
      out += c;
    }
    return out;
  }

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  var PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  var KEYWORDS = ["openbadgecredential", "openbadges"];

  function ascii(bytes, from, to) {
    var s = "";
    for (var i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }

  function itxt(keyword, text) {
    var body = new TextEncoder().encode(text);
    var data = new Uint8Array(keyword.length + 5 + body.length);
    for (var i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i);
    data.set(body, keyword.length + 5); // NUL, flag 0, method 0, "" NUL, "" NUL
    var chunk = new Uint8Array(12 + data.length);
    var view = new DataView(chunk.buffer);
    view.setUint32(0, data.length);
    chunk.set([0x69, 0x54, 0x58, 0x74], 4); // iTXt
    chunk.set(data, 8);
    view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
    return chunk;
  }

  function bakePng(png, credential, assertion) {
    for (var s = 0; s < 8; s++) if (png[s] !== PNG[s]) throw new Error("not a PNG");
    var parts = [png.subarray(0, 8)];
    var view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    var at = 8;
    for (;;) {
      if (at + 8 > png.length) throw new Error("the PNG ends before its IEND chunk");
      var len = view.getUint32(at);
      var kind = ascii(png, at + 4, at + 8);
      var end = at + 12 + len;
      if (len > 0x7fffffff || end > png.length) throw new Error("a PNG chunk is broken");
      if (kind === "IEND") {
        parts.push(itxt(KEYWORDS[0], credential));
        if (assertion !== null) parts.push(itxt(KEYWORDS[1], assertion));
        parts.push(png.subarray(at, end));
        break;
      }
      var skip = false;
      if (kind === "iTXt" || kind === "tEXt" || kind === "zTXt") {
        var z = png.indexOf(0, at + 8);
        var keyword = ascii(png, at + 8, z < 0 || z > at + 8 + len ? at + 8 + len : z);
        skip = KEYWORDS.indexOf(keyword) >= 0;
      }
      if (!skip) parts.push(png.subarray(at, end));
      at = end;
    }
    var total = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(total);
    var pos = 0;
    parts.forEach(function (p) { out.set(p, pos); pos += p.length; });
    return out;
  }

  // The index of the ">" that ends the start tag at the start of `text`.
  function tagEnd(text) {
    var quote = null;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quote === null && (c === '"' || c === "'")) quote = c;
      else if (quote !== null && c === quote) quote = null;
      else if (quote === null && c === ">") return i;
    }
    return -1;
  }

  // Earlier <openbadges:credential> and <openbadges:assertion> elements
  // (and the line break after each) removed, in one pass.
  function withoutBaked(svg) {
    var out = "", rest = svg;
    for (var start = rest.indexOf("<openbadges:"); start >= 0; start = rest.indexOf("<openbadges:")) {
      out += rest.slice(0, start);
      var element = rest.slice(start);
      var name = ["openbadges:credential", "openbadges:assertion"].find(function (n) {
        return element.slice(1, 1 + n.length) === n && /^[ \t\n\r\f>\/]/.test(element.slice(1 + n.length));
      });
      if (!name) {
        out += "<";
        rest = element.slice(1);
        continue;
      }
      var open = tagEnd(element);
      if (open < 0) throw new Error("unclosed <" + name + ">");
      var end;
      if (element[open - 1] === "/") end = open + 1;
      else {
        var close = element.indexOf("</" + name + ">", open);
        if (close < 0) throw new Error("<" + name + "> is not closed");
        end = close + name.length + 3;
      }
      if (element[end] === "\n") end += 1;
      rest = element.slice(end);
    }
    return out + rest;
  }

  function withoutNamespace(tag) {
    var start = tag.indexOf("xmlns:openbadges");
    if (start < 0) return tag;
    var after = tag.slice(start);
    var eq = after.indexOf("=");
    if (eq < 0) return tag;
    var value = after.slice(eq + 1).replace(/^[ \t\n\r\f]+/, "");
    var q = value[0];
    if (q !== '"' && q !== "'") return tag;
    var close = value.indexOf(q, 1);
    if (close < 0) return tag;
    var end = tag.length - value.length + close + 1;
    return tag.slice(0, start).replace(/[ \t\n\r\f]+$/, "") + tag.slice(end);
  }

  function rootTag(svg) {
    var at = svg[0] === "\uFEFF" ? 1 : 0;
    for (;;) {
      while (at < svg.length && /[ \t\n\r\f]/.test(svg[at])) at++;
      var rest = svg.slice(at);
      var i;
      if (rest.startsWith("<?")) {
        if ((i = rest.indexOf("?>")) < 0) throw new Error("unclosed <?");
        at += i + 2;
      } else if (rest.startsWith("<!--")) {
        if ((i = rest.indexOf("-->")) < 0) throw new Error("unclosed comment");
        at += i + 3;
      } else if (rest.startsWith("<!")) {
        var depth = 0, end = -1;
        for (i = 2; i < rest.length; i++) {
          if (rest[i] === "[") depth++;
          else if (rest[i] === "]") depth = Math.max(0, depth - 1);
          else if (rest[i] === ">" && depth === 0) { end = i; break; }
        }
        if (end < 0) throw new Error("unclosed <!DOCTYPE");
        at += end + 1;
      } else if (rest.startsWith("<")) {
        var name = rest.slice(1).split(/[ \t\n\r\f>\/]/)[0];
        if (name !== "svg" && !name.endsWith(":svg")) throw new Error("the root element is not <svg>");
        var close = tagEnd(rest);
        if (close < 0) throw new Error("the <svg> start tag is not closed");
        return { start: at, end: at + close + 1, selfClosing: rest[close - 1] === "/" };
      } else throw new Error("no <svg> element");
    }
  }

  function attribute(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function bakeSvg(bytes, credential, assertion) {
    var svg = withoutBaked(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
    var root = rootTag(svg);
    var tag = withoutNamespace(svg.slice(root.start, root.end));
    var body = tag.endsWith("/>") ? tag.slice(0, -2) : tag.slice(0, -1);
    body = body.replace(/[ \t\n\r\f]+$/, "");
    var out = svg.slice(0, root.start) + body + ' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">\n';
    out += "<openbadges:credential><![CDATA[" + credential + "]]></openbadges:credential>\n";
    if (assertion !== null) {
      var id = JSON.parse(assertion).id;
      if (typeof id !== "string") throw new Error("the OB 2.0 assertion has no id");
      out += '<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="' + attribute(id) + '"><![CDATA[' + assertion + "]]></openbadges:assertion>\n";
    }
    if (root.selfClosing) out += "</svg>" + svg.slice(root.end);
    else out += svg.slice(root.end).replace(/^\n+/, "");
    return new TextEncoder().encode(out);
  }

  function bake(image, credentialJson, assertionJson) {
    var credential = bakedText(credentialJson, "credential");
    var assertion = assertionJson === null ? null : bakedText(assertionJson, "OB 2.0 assertion");
    var isPng = PNG.every(function (b, i) { return image[i] === b; });
    if (isPng) return { bytes: bakePng(image, credential, assertion), extension: "png", type: "image/png" };
    return { bytes: bakeSvg(image, credential, assertion), extension: "svg", type: "image/svg+xml" };
  }
})();
