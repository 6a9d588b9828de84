// 存证查询: the browser checks each entry's inclusion proof against the latest signed checkpoint
// with its own SHA-256 (crypto.subtle), RFC 9162 §2.1.3.2, so nobody has to trust the page.
(function () {
  "use strict";
  var subtle = window.crypto && window.crypto.subtle;

  function concat(parts) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(length), offset = 0;
    parts.forEach(function (p) { out.set(p, offset); offset += p.length; });
    return out;
  }
  function sha256(parts) {
    return subtle.digest("SHA-256", concat(parts)).then(function (d) { return new Uint8Array(d); });
  }
  function nodeHash(left, right) { return sha256([Uint8Array.of(1), left, right]); }
  function leafHash(entry) { return sha256([Uint8Array.of(0), entry]); }
  function unhex(s) {
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }
  function unb64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  async function rootFromInclusion(leaf, index, size, proof) {
    if (index >= size) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(proof[i], r);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  function parseCheckpoint(text) {
    var cut = text.indexOf("\n\n");
    var body = text.slice(0, cut + 1), lines = body.split("\n");
    var signatures = text.slice(cut + 2).split("\n").filter(function (l) { return l; });
    return { body: body, origin: lines[0], size: parseInt(lines[1], 10), root: unb64(lines[2]),
             signatures: signatures };
  }

  async function checkSignature(checkpoint, verifierKey, badge) {
    var first = verifierKey.indexOf("+"), second = verifierKey.indexOf("+", first + 1);
    var name = verifierKey.slice(0, first), keyId = verifierKey.slice(first + 1, second);
    var raw = unb64(verifierKey.slice(second + 1)).slice(1);
    var line = checkpoint.signatures.find(function (l) { return l.indexOf("— " + name + " ") === 0; });
    try {
      var value = unb64(line.split(" ")[2]);
      var hexId = Array.from(value.slice(0, 4), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
      var key = await subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
      var ok = hexId === keyId && await subtle.verify({ name: "Ed25519" }, key, value.slice(4),
                                                     new TextEncoder().encode(checkpoint.body));
      badge.className = "badge " + (ok ? "ok" : "bad");
      badge.textContent = ok ? "✓ 签名有效 / signature valid" : "✗ 签名无效 / bad signature";
    } catch (e) {
      badge.textContent = "浏览器不支持Ed25519，请离线验签 / verify the signature offline";
    }
  }

  async function checkRow(row, api, checkpoint) {
    var cell = row.querySelector(".ledger-check .badge");
    if (row.dataset.index === "") return null;
    var index = parseInt(row.dataset.index, 10);
    if (index >= checkpoint.size) {
      cell.textContent = "待下一检查点 / next checkpoint";
      return null;
    }
    var leaf = unhex(row.dataset.leaf);
    if (row.dataset.body) {
      var computed = await leafHash(new TextEncoder().encode(row.dataset.body));
      if (!equal(computed, leaf)) { fail(cell, "内容与叶哈希不符 / body mismatch"); return false; }
    }
    var response = await fetch(api + "/proofs/inclusion?index=" + index + "&tree_size=" + checkpoint.size);
    if (!response.ok) { fail(cell, "无法获取证明 / no proof"); return false; }
    var proof = await response.json();
    if (proof.leaf_hash !== row.dataset.leaf) { fail(cell, "叶哈希不符 / leaf mismatch"); return false; }
    var root = await rootFromInclusion(leaf, index, checkpoint.size, proof.proof.map(unhex));
    if (!root || !equal(root, checkpoint.root)) { fail(cell, "✗ 证明无效 / invalid proof"); return false; }
    cell.className = "badge ok";
    cell.textContent = "✓ 已包含 / included";
    return true;
  }
  function fail(cell, text) { cell.className = "badge bad"; cell.textContent = text; }

  async function main() {
    var box = document.getElementById("ledger-proofs");
    var badge = document.getElementById("ledger-badge");
    if (!box) return;
    if (!subtle) {
      if (badge) badge.textContent = "此浏览器（非HTTPS）无法核对，请离线验证 / needs HTTPS";
      return;
    }
    var api = box.dataset.api;
    var checkpoint = parseCheckpoint(await (await fetch(api + "/checkpoint")).text());
    checkSignature(checkpoint, box.dataset.key, document.getElementById("ledger-signature"));
    if (!badge) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.ledger-row"));
    var results = [];
    for (var i = 0; i < rows.length; i++) results.push(await checkRow(rows[i], api, checkpoint));
    var checked = results.filter(function (r) { return r !== null; });
    if (!checked.length) {
      badge.dataset.result = "pending";
      badge.textContent = "记录尚待整合，下一检查点后可核对 / not yet in a checkpoint";
      return;
    }
    var passed = checked.every(function (r) { return r; });
    badge.className = "badge " + (passed ? "ok" : "bad");
    badge.dataset.result = passed ? "passed" : "failed";
    badge.textContent = passed
      ? "✓ 浏览器已核对 " + checked.length + " 条记录包含在检查点（共 " + checkpoint.size + " 条）中 / verified"
      : "✗ 核对未通过 / verification failed";
  }
  document.addEventListener("DOMContentLoaded", main);
})();
