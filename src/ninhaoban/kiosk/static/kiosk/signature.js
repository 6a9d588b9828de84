/* 签名板: the touch screen is the pad. Strokes drawn with a finger (or a mouse) on the
   canvas; on 确认签名 the drawing goes with the form as a PNG. */
(function () {
  "use strict";
  var pad = document.getElementById("signature-pad");
  if (!pad) { return; }
  var field = document.getElementById("signature");
  var ctx = pad.getContext("2d");
  var drawing = false, drawn = false;
  ctx.lineWidth = 6;
  ctx.lineCap = "round";
  ctx.strokeStyle = "#000";
  function point(e) {
    var box = pad.getBoundingClientRect();
    return [(e.clientX - box.left) * pad.width / box.width, (e.clientY - box.top) * pad.height / box.height];
  }
  pad.addEventListener("pointerdown", function (e) {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    var p = point(e);
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
  });
  pad.addEventListener("pointermove", function (e) {
    if (!drawing) { return; }
    var p = point(e);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    drawn = true;
  });
  ["pointerup", "pointercancel"].forEach(function (name) {
    pad.addEventListener(name, function () { drawing = false; });
  });
  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height);
    drawn = false;
  });
  pad.closest("form").addEventListener("submit", function () {
    field.value = drawn ? pad.toDataURL("image/png") : "";
  });
})();
