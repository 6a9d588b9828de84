/* The terminal's small helpers; every page also works without them.
   1. An idle person is signed out: after the idle time with no touch or key, 退出 is pressed.
   2. An on-screen keypad types digits (and the X of an ID number) into the field in focus.
   3. A print button (a queue ticket) prints the page. */
(function () {
  var exit = document.getElementById("kiosk-exit");
  var idle = exit ? parseInt(exit.getAttribute("data-idle-seconds"), 10) * 1000 : 0;
  var timer = null;
  function restart() {
    if (!idle) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (document.querySelector("[data-busy]")) { restart(); return; }  // a 视窗服务 call
      exit.submit();
    }, idle);
  }
  ["click", "keydown", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, restart, true);
  });
  restart();

  var target = document.querySelector("input[data-keypad]");
  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-keypad")) {
      target = event.target;
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll(".keypad button"), function (key) {
    key.addEventListener("click", function () {
      if (!target) { return; }
      var value = key.getAttribute("data-key");
      if (value === "back") { target.value = target.value.slice(0, -1); }
      else if (value === "clear") { target.value = ""; }
      else if (!target.maxLength || target.maxLength < 0 || target.value.length < target.maxLength) {
        target.value += value;
      }
      target.focus();
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
