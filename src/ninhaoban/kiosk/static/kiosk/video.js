/* 视窗服务: a WebRTC call between a terminal and a clerk's console, signalled through the
   platform by polling (no outside server: ICE uses host candidates only, so media stays on
   the hall's LAN). One script for both sides; the page's data-role says which.
   The offer and the answer are sent once ICE gathering is complete, with their candidates. */
(function () {
  "use strict";
  var queue = document.getElementById("video-queue");
  if (queue) {
    setInterval(function () {
      fetch(queue.getAttribute("data-rows"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { queue.innerHTML = html; } });
    }, 3000);
  }
  var root = document.getElementById("video-call");
  if (!root) { return; }
  var role = root.getAttribute("data-role");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var stateEl = document.getElementById("call-state");
  var endButton = document.getElementById("call-end");
  var pushed = document.getElementById("pushed");
  var urls = {
    signal: root.getAttribute("data-signal"),
    signals: root.getAttribute("data-signals"),
    pushed: null
  };
  var pc = null, stream = null, after = 0, poller = null, over = false;

  function setState(key) {
    stateEl.setAttribute("data-state", key);
    stateEl.textContent = stateEl.getAttribute("data-label-" + key) || key;
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(data || {})
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw body; }
        return body;
      });
    });
  }

  function gathered() {
    return new Promise(function (resolve) {
      if (pc.iceGatheringState === "complete") { resolve(); return; }
      var done = function () {
        if (pc.iceGatheringState === "complete") { resolve(); }
      };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 4000);
    });
  }

  function media() {
    return navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(function (s) {
      stream = s;
      document.getElementById("local-video").srcObject = s;
      return s;
    });
  }

  function connect(s) {
    pc = new RTCPeerConnection({ iceServers: [] });
    s.getTracks().forEach(function (t) { pc.addTrack(t, s); });
    pc.ontrack = function (e) { document.getElementById("remote-video").srcObject = e.streams[0]; };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected") { setState("connected"); }
      else if (pc.connectionState === "failed") { setState("failed"); }
    };
  }

  function finish(state) {
    if (over) { return; }
    over = true;
    clearInterval(poller);
    if (pc) { pc.close(); }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    root.removeAttribute("data-busy");
    endButton.hidden = true;
    setState(state);
  }

  function describe(type) {
    var make = type === "offer" ? pc.createOffer() : pc.createAnswer();
    return make.then(function (d) { return pc.setLocalDescription(d); })
      .then(gathered)
      .then(function () {
        return post(urls.signal, { kind: type, body: { type: type, sdp: pc.localDescription.sdp } });
      });
  }

  function show(signal) {
    if (!pushed) { return; }
    fetch(urls.pushed.replace(/\/0\/$/, "/" + signal.id + "/"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { pushed.innerHTML = html; });
  }

  function handle(signal) {
    if (signal.kind === "offer" && role === "clerk") {
      setState("connecting");
      pc.setRemoteDescription({ type: "offer", sdp: signal.body.sdp })
        .then(function () { return describe("answer"); })
        .catch(function () { setState("failed"); });
    } else if (signal.kind === "answer" && role === "terminal") {
      setState("connecting");
      pc.setRemoteDescription({ type: "answer", sdp: signal.body.sdp })
        .catch(function () { setState("failed"); });
    } else if (signal.kind === "push") {
      show(signal);
    } else if (signal.kind === "bye") {
      finish("ended");
    }
  }

  function poll() {
    fetch(urls.signals + "?after=" + after, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.signals.forEach(function (s) { after = Math.max(after, s.id); handle(s); });
        if (data.state === "ended") { finish("ended"); }
      });
  }

  function begin() {
    root.setAttribute("data-busy", "1");
    endButton.hidden = false;
    poller = setInterval(poll, 1000);
  }

  endButton.addEventListener("click", function () {
    post(urls.signal, { kind: "bye", body: {} }).finally(function () { finish("ended"); });
  });

  if (role === "terminal") {
    var startButton = document.getElementById("call-start");
    startButton.addEventListener("click", function () {
      startButton.hidden = true;
      over = false;
      setState("ringing");
      post(root.getAttribute("data-start"), {}).then(function (call) {
        urls.signal = call.signal;
        urls.signals = call.signals;
        urls.pushed = call.pushed;
        return media();
      }).then(function (s) {
        connect(s);
        begin();
        return describe("offer");
      }).catch(function () { finish("nomedia"); startButton.hidden = false; });
    });
  } else {
    var answerButton = document.getElementById("call-answer");
    answerButton.addEventListener("click", function () {
      answerButton.hidden = true;
      setState("answering");
      post(root.getAttribute("data-answer"), {}).then(media).then(function (s) {
        connect(s);
        begin();
        poll();
      }).catch(function (e) {
        finish(e && e.error ? "ended" : "nomedia");
        if (e && e.error) { stateEl.textContent = e.error.message; }
      });
    });
    var form = document.getElementById("push-form");
    var result = document.getElementById("push-result");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var what = e.submitter ? e.submitter.value : "guide";
      post(root.getAttribute("data-push"), { what: what, item: document.getElementById("push-item").value })
        .then(function () { result.textContent = result.getAttribute("data-done"); })
        .catch(function (err) { result.textContent = err.error ? err.error.message : ""; });
    });
  }
})();
