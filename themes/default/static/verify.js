// The verification page: checks an Open Badges 3.0 credential in the
// browser, the way the wallets' verifier does.
//
// Input: pasted JSON, a chosen or dropped file (JSON, or a PNG/SVG badge
// image with the credential baked in), an address, or verify/?url=….
// Checks, each shown with its result:
// 1. the signature: Data Integrity eddsa-rdfc-2022, i.e. RDFC-1.0
//    canonicalisation of the credential and of its proof options with
//    jsonld.js + rdf-canonize (vendor/jsonld.min.js, the wallets' own stack,
//    in JSON-LD safe mode), SHA-256 and Ed25519 with WebCrypto. The context
//    documents come from this site (verify/contexts/), nothing is fetched
//    from elsewhere for them;
// 2. the key: the proof's verification method in the issuer's did:web DID
//    document, listed in assertionMethod;
// 3. the validity dates against this computer's clock;
// 4. the revocation status: the issuer's signed status list (its signature
//    checked the same way) and this credential's bit;
// 5. whether the credential is the same as the copy hosted at its `id`.
// Addresses under this site's base URL are read from this site (relative
// links), so a copy of the site checks its own credentials.
(function () {
  "use strict";
  var S = window.rosetteStrings || {};
  var article = document.getElementById("verify");
  if (!article) return;
  var root = article.getAttribute("data-root") || "";
  var canonical = document.querySelector('link[rel="canonical"]');
  // This page is `<base>verify/`.
  var base = canonical ? canonical.href.replace(/verify\/$/, "") : null;
  var form = document.getElementById("verify-form");
  var result = document.getElementById("result");
  var textInput = document.getElementById("vc-text");
  var fileInput = document.getElementById("vc-file");
  var urlInput = document.getElementById("vc-url");
  document.querySelectorAll(".nojs").forEach(function (n) { n.remove(); });
  form.hidden = false;

  function t(key, values) {
    var text = S[key] || key;
    return text.replace(/\{([a-z_]+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  function day(at) {
    var d = new Date(at);
    if (isNaN(d)) return String(at);
    var months = S.months || [];
    return t("date", { day: String(d.getUTCDate()), month: months[d.getUTCMonth()] || String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) });
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

  // ------------------------------------------------------------ fetching
  var CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "verify/contexts/credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "verify/contexts/ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "verify/contexts/ob-v3p0-extensions.json"
  };

  // Where to fetch `url` from: this site for its own URLs.
  function local(url) {
    var bare = url.split("#")[0];
    if (base && bare.indexOf(base) === 0) return root + bare.slice(base.length);
    return bare;
  }

  function fetchBytes(url) {
    return fetch(local(url), { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); }, function (e) {
      throw new Error(t("error_fetch", { url: url, error: e.message || String(e) }));
    });
  }

  function fetchJson(url) {
    return fetchBytes(url).then(function (bytes) { return JSON.parse(new TextDecoder().decode(bytes)); });
  }

  var loaded = {};
  function documentLoader(url) {
    var path = CONTEXTS[url];
    if (!path) return Promise.reject(new Error("unknown JSON-LD context " + url + " (this page loads only the contexts it ships)"));
    if (!loaded[url]) {
      loaded[url] = fetch(root + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
    }
    return loaded[url].then(function (doc) { return { contextUrl: null, documentUrl: url, document: doc }; });
  }

  // ------------------------------------------------------------ baked images
  function text(bytes) { return new TextDecoder("utf-8", { fatal: true }).decode(bytes); }

  function extract(bytes) {
    var png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (png.every(function (b, i) { return bytes[i] === b; })) {
      var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (var at = 8; at + 8 <= bytes.length;) {
        var len = view.getUint32(at);
        var kind = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
        var data = bytes.subarray(at + 8, at + 8 + len);
        if (kind === "iTXt") {
          var k = data.indexOf(0);
          if (k >= 0 && String.fromCharCode.apply(null, data.subarray(0, k)) === "openbadgecredential") {
            if (data[k + 1] !== 0) return Promise.reject(new Error("the baked credential is compressed"));
            var rest = data.subarray(k + 3);
            var lang = rest.indexOf(0);
            rest = rest.subarray(lang + 1);
            var translated = rest.indexOf(0);
            return Promise.resolve(text(rest.subarray(translated + 1)));
          }
        }
        if (kind === "IEND") break;
        at += 12 + len;
      }
      return Promise.reject(new Error(t("error_image")));
    }
    var svg = text(bytes);
    if (/^\s*</.test(svg.replace(/^\uFEFF/, "")) && svg.indexOf("<svg") >= 0) {
      var start = svg.search(/<openbadges:credential[\s>\/]/);
      if (start < 0) return Promise.reject(new Error(t("error_image")));
      var open = svg.indexOf(">", start);
      var close = svg.indexOf("</openbadges:credential>", open);
      if (open < 0 || close < 0) return Promise.reject(new Error(t("error_image")));
      var body = svg.slice(open + 1, close);
      var out = "";
      body.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g, function (all, cdata, plain) {
        if (cdata !== undefined) out += cdata;
        else out += new DOMParser().parseFromString("<x>" + plain + "</x>", "text/xml").documentElement.textContent;
        return "";
      });
      return Promise.resolve(out.trim());
    }
    return Promise.resolve(svg);
  }

  // ------------------------------------------------------------ crypto
  var ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  function base58(textValue) {
    var bytes = [0];
    for (var i = 0; i < textValue.length; i++) {
      var value = ALPHABET.indexOf(textValue[i]);
      if (value < 0) throw new Error("not base58btc");
      for (var j = 0; j < bytes.length; j++) {
        value += bytes[j] * 58;
        bytes[j] = value & 0xff;
        value >>= 8;
      }
      while (value > 0) { bytes.push(value & 0xff); value >>= 8; }
    }
    for (var z = 0; z < textValue.length && textValue[z] === "1"; z++) bytes.push(0);
    return new Uint8Array(bytes.reverse());
  }

  function sha256(textValue) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(textValue)).then(function (b) { return new Uint8Array(b); });
  }

  function hex(bytes) {
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function canonize(doc) {
    return jsonld.canonize(doc, { algorithm: "RDFC-1.0", format: "application/n-quads", documentLoader: documentLoader, safe: true });
  }

  function issuerId(doc) {
    return typeof doc.issuer === "string" ? doc.issuer : doc.issuer && doc.issuer.id;
  }

  // The DID document URL of a did:web DID.
  function didUrl(did) {
    var parts = did.slice("did:web:".length).split(":").map(decodeURIComponent);
    var host = parts.shift();
    return "https://" + host + "/" + (parts.length ? parts.join("/") + "/did.json" : ".well-known/did.json");
  }

  // The public key of a proof's verification method, checked against the
  // issuer's DID document: [key bytes, verification method id].
  function resolveKey(vm, issuer) {
    var did = vm.split("#")[0];
    if (did !== issuer) return Promise.reject(new Error("the key " + vm + " is not the issuer's (" + issuer + ")"));
    if (did.indexOf("did:web:") !== 0) return Promise.reject(new Error("only did:web issuers are checked here"));
    return fetchJson(didUrl(did)).then(function (doc) {
      if (doc.id !== did) throw new Error("the DID document is for " + doc.id + ", not " + did);
      var absolute = function (id) { return id.charAt(0) === "#" ? did + id : id; };
      var method = (doc.verificationMethod || []).find(function (m) { return absolute(m.id) === vm; });
      if (!method) throw new Error(vm + " is not in the DID document");
      var asserted = (doc.assertionMethod || []).some(function (m) { return absolute(typeof m === "string" ? m : m.id) === vm; });
      if (!asserted) throw new Error(vm + " is not listed in assertionMethod");
      var key = base58(String(method.publicKeyMultibase || "").replace(/^z/, ""));
      if (method.publicKeyMultibase[0] !== "z" || key.length !== 34 || key[0] !== 0xed || key[1] !== 0x01) {
        throw new Error(vm + " is not an Ed25519 Multikey");
      }
      return key.subarray(2);
    });
  }

  // Verifies the single eddsa-rdfc-2022 proof of `doc`; resolves to true or throws why not.
  function verifyProof(doc) {
    var proofs = Array.isArray(doc.proof) ? doc.proof : doc.proof ? [doc.proof] : [];
    if (proofs.length !== 1) return Promise.reject(new Error(proofs.length ? "expected exactly one proof" : "the credential is not signed (no proof)"));
    var proof = proofs[0];
    if (proof.type !== "DataIntegrityProof" || proof.cryptosuite !== "eddsa-rdfc-2022") {
      return Promise.reject(new Error("the proof is not a DataIntegrityProof with cryptosuite eddsa-rdfc-2022"));
    }
    if (proof.proofPurpose !== "assertionMethod") return Promise.reject(new Error("the proof's purpose is not assertionMethod"));
    if (!crypto.subtle) return Promise.reject(new Error(t("no_crypto")));
    var config = Object.assign({}, proof);
    delete config.proofValue;
    config["@context"] = doc["@context"];
    var unsecured = Object.assign({}, doc);
    delete unsecured.proof;
    return resolveKey(proof.verificationMethod, issuerId(doc)).then(function (publicKey) {
      return Promise.all([
        canonize(config).then(sha256),
        canonize(unsecured).then(sha256),
        crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"])
      ]);
    }).then(function (parts) {
      var data = new Uint8Array(64);
      data.set(parts[0], 0);
      data.set(parts[1], 32);
      var value = String(proof.proofValue || "");
      if (value[0] !== "z") throw new Error("the proofValue is not base58btc");
      var signature = base58(value.slice(1));
      if (signature.length !== 64) throw new Error("the proofValue is not an Ed25519 signature");
      return crypto.subtle.verify({ name: "Ed25519" }, parts[2], signature, data);
    }).then(function (ok) {
      if (!ok) throw new Error("the signature does not match: the credential was changed after it was signed, or signed by another key");
      return true;
    });
  }

  function checkStatus(doc) {
    var entry = doc.credentialStatus;
    if (!entry) return Promise.resolve({ revoked: false, note: t("no_status") });
    if (entry.type !== "BitstringStatusListEntry" || entry.statusPurpose !== "revocation") {
      return Promise.reject(new Error("unsupported status entry " + entry.type));
    }
    return fetchJson(entry.statusListCredential).then(function (list) {
      if (issuerId(list) !== issuerId(doc)) throw new Error("the status list is not the issuer's");
      return verifyProof(list).then(function () {
        var encoded = list.credentialSubject.encodedList;
        var b64 = encoded.slice(1).replace(/-/g, "+").replace(/_/g, "/");
        var binary = atob(b64 + "===".slice((b64.length + 3) % 4));
        var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer();
      }).then(function (buffer) {
        var index = Number(entry.statusListIndex);
        var byte = new Uint8Array(buffer)[Math.floor(index / 8)];
        if (!Number.isInteger(index) || byte === undefined) throw new Error("the status index is outside the list");
        var revoked = (byte & (0x80 >> (index % 8))) !== 0;
        return { revoked: revoked, note: revoked ? t("status_revoked") : t("not_revoked") };
      });
    });
  }

  function sameJson(a, b) {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]); });
  }

  function checkHosted(doc) {
    if (typeof doc.id !== "string" || !/^https?:/.test(doc.id)) return Promise.resolve(null);
    return fetchJson(doc.id).then(function (hosted) {
      return sameJson(hosted, doc) ? t("hosted_same") : t("hosted_differs");
    }, function () { return t("hosted_unreachable"); });
  }

  // ------------------------------------------------------------ showing
  function settle(promise) {
    return promise.then(function (v) { return { ok: true, value: v }; }, function (e) { return { ok: false, error: e.message || String(e) }; });
  }

  function verify(textValue) {
    result.className = "";
    result.textContent = t("checking");
    var doc;
    try {
      doc = JSON.parse(textValue);
      if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("not a JSON object");
      var types = [].concat(doc.type || []);
      if (types.indexOf("VerifiableCredential") < 0) throw new Error("not a VerifiableCredential");
    } catch (e) {
      return fail(t("error_json", { error: e.message }));
    }
    var verifierplus = document.getElementById("verifierplus");
    if (verifierplus && typeof doc.id === "string" && /^https:/.test(doc.id)) {
      verifierplus.href = "https://verifierplus.org/#verify?vc=" + encodeURIComponent(doc.id);
    }
    return Promise.all([settle(verifyProof(doc)), settle(checkStatus(doc)), checkHosted(doc)]).then(function (r) {
      show(doc, r[0], r[1], r[2]);
    });
  }

  function fail(message) {
    result.className = "result result-invalid";
    result.textContent = "";
    result.append(el("h2", { text: t("result_invalid") }), el("p", { text: message }));
  }

  function show(doc, signature, status, hosted) {
    var now = Date.now();
    var from = doc.validFrom ? Date.parse(doc.validFrom) : null;
    var until = doc.validUntil ? Date.parse(doc.validUntil) : null;
    var datesOk = !(from !== null && (isNaN(from) || now < from)) && !(until !== null && (isNaN(until) || now >= until));
    var verdict, detail;
    if (!signature.ok) { verdict = "invalid"; detail = signature.error; }
    else if (from !== null && now < from) { verdict = "pending"; detail = t("field_valid_from") + ": " + day(doc.validFrom); }
    else if (until !== null && now >= until) { verdict = "expired"; detail = t("field_valid_until") + ": " + day(doc.validUntil); }
    else if (!status.ok) { verdict = "invalid"; detail = status.error; }
    else if (status.value.revoked) { verdict = "revoked"; detail = t("revoked_detail"); }
    else { verdict = "valid"; detail = t("result_valid_detail"); }
    var word = { valid: t("result_valid"), invalid: t("result_invalid"), expired: t("result_expired"), revoked: t("result_revoked"), pending: t("result_pending") }[verdict];
    result.className = "result result-" + verdict;
    result.textContent = "";
    result.setAttribute("data-verdict", verdict);
    result.append(el("h2", { text: word }), el("p", { text: detail }));

    var subject = doc.credentialSubject || {};
    var achievement = subject.achievement || {};
    var issuer = typeof doc.issuer === "object" && doc.issuer ? doc.issuer : { id: doc.issuer };
    var facts = el("dl", { "class": "facts" });
    var add = function (label, value) {
      if (value) facts.append(el("dt", { text: label }), el("dd", {}, [value]));
    };
    add(t("field_issuer"), el("span", {}, [el("bdi", { text: issuer.name || "" }), " ", el("code", { text: issuer.id || "" })]));
    add(t("field_badge"), el("bdi", { text: achievement.name || doc.name || "" }));
    var ids = (subject.identifier || []).filter(function (i) { return i.identityType === "emailAddress" && i.hashed; });
    add(t("field_recipient"), el("span", { text: subject.id ? subject.id : ids.length ? "sha256$…" + String(ids[0].identityHash || "").slice(-8) + " (email)" : "" }));
    add(t("field_valid_from"), doc.validFrom ? el("time", { datetime: doc.validFrom, text: day(doc.validFrom) }) : null);
    add(t("field_valid_until"), doc.validUntil ? el("time", { datetime: doc.validUntil, text: day(doc.validUntil) }) : null);
    result.append(facts);

    var checks = el("ul", { "class": "checks" });
    var check = function (label, state, note) {
      checks.append(el("li", { "class": "check-" + state, "data-check": label, text: label + ": " + note }));
    };
    check(t("check_signature"), signature.ok ? "ok" : "fail", signature.ok ? t("ok") : signature.error);
    check(t("check_dates"), datesOk ? "ok" : "fail", datesOk ? t("ok") : t("failed"));
    check(t("check_status"), status.ok ? (status.value.revoked ? "fail" : "ok") : "fail", status.ok ? status.value.note : status.error);
    if (hosted !== null) check(t("check_hosted"), hosted === t("hosted_same") ? "ok" : hosted === t("hosted_differs") ? "fail" : "skip", hosted);
    result.append(checks);

    // "Is this badge mine?": the email is hashed here with the credential's salt.
    if (ids.length) {
      var mineForm = el("form", { "class": "mine" });
      var input = el("input", { type: "email", id: "mine-email", autocomplete: "email", "aria-describedby": "mine-label" });
      var answer = el("p", { id: "mine-answer", role: "status" });
      mineForm.append(el("label", { "for": "mine-email", id: "mine-label", text: t("mine") }), input, el("button", { "class": "btn", type: "submit", text: t("mine_button") }));
      mineForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var email = input.value.trim().toLowerCase();
        Promise.all(ids.map(function (id) { return sha256(email + (id.salt || "")); })).then(function (hashes) {
          var mine = hashes.some(function (h, i) { return ("sha256$" + hex(h)) === String(ids[i].identityHash).toLowerCase(); });
          answer.textContent = t(mine ? "mine_yes" : "mine_no", { email: email });
        });
      });
      result.append(mineForm, answer);
    } else if (subject.id) {
      result.append(el("p", { text: t("mine_none", { kind: "DID" }) }));
    }
  }

  // ------------------------------------------------------------ input
  function fromBytes(bytes) {
    return extract(bytes).then(verify, function (e) { fail(e.message); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (fileInput.files && fileInput.files[0]) {
      fileInput.files[0].arrayBuffer().then(function (b) { return fromBytes(new Uint8Array(b)); });
    } else if (urlInput.value.trim()) {
      var url = urlInput.value.trim();
      fetchBytes(url).then(fromBytes, function (e) { fail(e.message); });
    } else if (textInput.value.trim()) {
      verify(textInput.value);
    }
  });
  fileInput.addEventListener("change", function () {
    if (fileInput.files && fileInput.files[0]) {
      textInput.value = "";
      urlInput.value = "";
    }
  });
  document.addEventListener("dragover", function (event) {
    event.preventDefault();
    article.classList.add("drop-target");
  });
  document.addEventListener("dragleave", function () { article.classList.remove("drop-target"); });
  document.addEventListener("drop", function (event) {
    event.preventDefault();
    article.classList.remove("drop-target");
    var file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) file.arrayBuffer().then(function (b) { return fromBytes(new Uint8Array(b)); });
  });

  // ?url= may be relative to this page (award pages link ?url=../awards/<id>/credential.json):
  // it is resolved against this page's published address, then read from this site.
  var given = new URLSearchParams(location.search).get("url");
  if (given) {
    urlInput.value = new URL(given, canonical ? canonical.href : location.href).href;
    fetchBytes(urlInput.value).then(fromBytes, function (e) { fail(e.message); });
  }
})();
